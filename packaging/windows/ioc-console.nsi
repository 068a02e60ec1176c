; Windows installer of the frozen console (NSIS 3, Modern UI 2).
;
; Build on Windows, from the repository root, after the one-folder console:
;     py -3.11 run.py package
;     makensis /DVERSION=0.1.0 packaging\windows\ioc-console.nsi
; With the organisation's site file (hub address, CA bundle, language, basemap), so that a
; liaison's first start needs no URL: put site.toml and the files it names in one folder, then
;     makensis /DVERSION=0.1.0 /DSITE_DIR=C:\path\to\site packaging\windows\ioc-console.nsi
; The site file is installed beside ioc-console.exe, where the console reads it.
; Output: dist\ioc-console-<version>-setup.exe

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !error "give the version: makensis /DVERSION=x.y.z packaging\windows\ioc-console.nsi"
!endif
!define APP "IOC Console"
!define EXE "ioc-console.exe"
!define SOURCE "..\..\dist\ioc-console"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\IOCConsole"

Name "${APP} ${VERSION}"
OutFile "..\..\dist\ioc-console-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "Software\IOCConsole" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
!define MUI_ICON "..\..\dist\icons\ioc-console.ico"
!define MUI_UNICON "..\..\dist\icons\ioc-console.ico"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

Section "IOC Console" main
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${SOURCE}\*.*"
!ifdef SITE_DIR
  File /r "${SITE_DIR}\*.*"
!endif
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\${EXE}"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "Software\IOCConsole" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; The program folder only: each user's data (local copy, unsent actions) stays in their profile.
  RMDir /r "$INSTDIR"
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\IOCConsole"
SectionEnd
