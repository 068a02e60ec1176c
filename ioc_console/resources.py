"""Where the shipped resources are: the repository's ``resources/`` or the wheel's ``_resources``."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    installed = _PACKAGE / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_pack_path() -> Path:
    """The demo jurisdiction: Ninh Thuận as the source article knew it."""
    return resource_path("packs", "ninh-thuan")
