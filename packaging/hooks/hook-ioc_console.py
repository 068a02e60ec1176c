# PyInstaller hook for the console's own package.
# Alembic reads the migration scripts (env.py, versions/*.py, script.py.mako) from the file system by
# path, so both migration folders travel as files beside the frozen modules, not only inside the
# archive. The modules the console imports lazily (by name, in functions) are listed too.
from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

datas = collect_data_files("ioc_console", include_py_files=True, subdir="store/migrations")
datas += collect_data_files("ioc_console", include_py_files=True, subdir="hub/migrations")
datas += copy_metadata("keyring")
# The Vietnamese calendar's holiday names are gettext catalogs read from files.
datas += collect_data_files("holidays")
hiddenimports = collect_submodules("ioc_console", filter=lambda name: ".migrations" not in name)
hiddenimports += [
    "ioc_console.store.migrations.env",
    "ioc_console.hub.migrations.env",
    "sqlalchemy.dialects.sqlite",
    "keyring.backends",
]
