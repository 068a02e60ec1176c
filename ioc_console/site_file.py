"""The site file an installer carries: the organisation's hub, CA bundle, language and basemap.

A province's IT team builds the installer with a ``site.toml`` beside the console, so that a liaison's
first start signs in to the right hub without anyone typing a URL::

    hub = "https://ioc.example.gov.vn"
    ca_bundle = "ca.pem"                 # relative to this file
    language = "vi"                      # vi or en
    basemap = "https://tiles.example.gov.vn/{z}/{x}/{y}.png"   # or an .mbtiles file
    basemap_attribution = "© Sở Khoa học và Công nghệ"

The first of these that exists is read: ``$IOC_CONSOLE_SITE``; ``site.toml`` beside the frozen
console's executable (the Windows installer puts it there); ``/etc/ioc-console/site.toml`` (the Linux
package's). What the user chose later (the command line, the last hub used, the language menu) wins
over it. Standard library only.
"""

from __future__ import annotations

import os
import ssl
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENV_VAR = "IOC_CONSOLE_SITE"
FILE_NAME = "site.toml"
SYSTEM_FILE = Path("/etc/ioc-console") / FILE_NAME
KEYS = ("hub", "ca_bundle", "language", "basemap", "basemap_attribution")
LANGUAGES = ("vi", "en")


class SiteFileError(ValueError):
    """A site file that cannot be used; ``message(lang)`` says which and why."""

    def __init__(self, path: Path, vi: str, en: str) -> None:
        self.path = path
        self._texts = {"vi": vi, "en": en}
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        if lang == "en":
            return f"The site file {self.path} cannot be used: {self._texts['en']}. It was ignored."
        return f"Không dùng được tệp cấu hình cơ quan {self.path}: {self._texts['vi']}. Tệp đã được bỏ qua."


@dataclass(frozen=True)
class Site:
    """What a site file says (paths made absolute, relative to the file)."""

    path: Path
    hub: str | None = None
    ca_bundle: Path | None = None
    language: str | None = None
    #: A tile URL template (``{z}/{x}/{y}``) or a local MBTiles file.
    basemap: str | None = None
    basemap_attribution: str = ""

    @property
    def mbtiles(self) -> Path | None:
        if self.basemap and not self.basemap.startswith(("http://", "https://")):
            return Path(self.basemap)
        return None


def candidates(
    env: Mapping[str, str], executable: str = sys.executable, frozen: bool | None = None
) -> list[Path]:
    """Where a site file may be, first wins."""
    found: list[Path] = []
    if env.get(ENV_VAR):
        found.append(Path(env[ENV_VAR]).expanduser())
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        found.append(Path(executable).resolve().parent / FILE_NAME)
    if sys.platform == "win32":
        data = env.get("PROGRAMDATA")
        if data:
            found.append(Path(data) / "IOC Console" / FILE_NAME)
    else:
        found.append(SYSTEM_FILE)
    return found


def find(env: Mapping[str, str] | None = None) -> Site | None:
    """The site file in force, or None. Raises :class:`SiteFileError` when it is there but unusable
    (one named by ``$IOC_CONSOLE_SITE`` must exist)."""
    env = os.environ if env is None else env
    for index, path in enumerate(candidates(env)):
        if path.is_file():
            return read(path)
        if index == 0 and env.get(ENV_VAR):
            raise SiteFileError(path, "tệp không tồn tại", "there is no such file")
    return None


def read(path: Path) -> Site:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SiteFileError(path, f"không đọc được tệp ({reason})", f"it cannot be read ({reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise SiteFileError(path, f"sai cú pháp TOML ({error})", f"it is not valid TOML ({error})") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        names = ", ".join(unknown)
        raise SiteFileError(path, f"khoá không hợp lệ: {names}", f"unknown keys: {names}")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise SiteFileError(
                path, f"«{key}» phải là một chuỗi khác rỗng", f"“{key}” must be a non-empty text"
            )
    here = path.resolve().parent
    hub = data.get("hub")
    if hub is not None:
        parts = urlsplit(hub.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SiteFileError(
                path,
                f"địa chỉ máy chủ «{hub}» không hợp lệ (cần https://…)",
                f"the hub address “{hub}” is not valid (https://… expected)",
            )
    language = data.get("language")
    if language is not None and language.strip().lower() not in LANGUAGES:
        raise SiteFileError(
            path,
            f"ngôn ngữ «{language}» không có (vi hoặc en)",
            f"there is no language “{language}” (vi or en)",
        )
    ca = here / data["ca_bundle"] if "ca_bundle" in data else None
    if ca is not None and not ca.is_file():
        raise SiteFileError(path, f"không có tệp chứng chỉ {ca}", f"the CA bundle {ca} does not exist")
    if ca is not None:
        try:
            ssl.create_default_context(cafile=str(ca))
        except (ssl.SSLError, OSError) as error:
            raise SiteFileError(
                path, f"tệp chứng chỉ {ca} không đọc được ({error})", f"the CA bundle {ca} is unusable ({error})"
            ) from None
    basemap = data.get("basemap")
    if basemap is not None and not basemap.startswith(("http://", "https://")):
        tiles = here / basemap
        if not tiles.is_file():
            raise SiteFileError(
                path, f"không có tệp bản đồ nền {tiles}", f"the basemap file {tiles} does not exist"
            )
        basemap = str(tiles)
    elif basemap is not None and not all(part in basemap for part in ("{z}", "{x}", "{y}")):
        raise SiteFileError(
            path, "địa chỉ bản đồ nền cần có {z}, {x} và {y}", "the basemap address needs {z}, {x} and {y}"
        )
    return Site(
        path=path,
        hub=hub.strip().rstrip("/") if hub else None,
        ca_bundle=ca,
        language=language.strip().lower() if language else None,
        basemap=basemap,
        basemap_attribution=data.get("basemap_attribution", ""),
    )
