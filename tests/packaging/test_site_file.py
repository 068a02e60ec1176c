"""The site file an installer carries: hub address, CA bundle, language and basemap for a first start."""

from __future__ import annotations

from pathlib import Path

import certifi
import pytest

from ioc_console import site_file
from ioc_console.site_file import SiteFileError


def _write(folder: Path, text: str) -> Path:
    path = folder / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_file_gives_the_hub_ca_language_and_basemap_beside_it(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(Path(certifi.where()).read_bytes())
    (tmp_path / "nen.mbtiles").write_bytes(b"")
    path = _write(
        tmp_path,
        'hub = "https://ioc.ninhthuan.example/"\nca_bundle = "ca.pem"\nlanguage = "EN"\n'
        'basemap = "nen.mbtiles"\nbasemap_attribution = "© Sở KH&CN"\n',
    )

    site = site_file.read(path)

    assert site.hub == "https://ioc.ninhthuan.example"
    assert site.ca_bundle == tmp_path.resolve() / "ca.pem"
    assert site.language == "en"
    assert site.mbtiles == tmp_path.resolve() / "nen.mbtiles"
    assert site.basemap_attribution == "© Sở KH&CN"
    online = site_file.read(_write(tmp_path, 'basemap = "https://tiles.example/{z}/{x}/{y}.png"\n'))
    assert online.mbtiles is None and online.hub is None


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ('hub = "ioc.example"\n', "địa chỉ máy chủ", "hub address"),
        ('hub = "https://ioc.example"\nproxy = "x"\n', "khoá không hợp lệ: proxy", "unknown keys: proxy"),
        ('hub = "https://ioc.example\n', "sai cú pháp TOML", "not valid TOML"),
        ('ca_bundle = "thieu.pem"\n', "không có tệp chứng chỉ", "CA bundle"),
        ('ca_bundle = "site.toml"\n', "không đọc được", "is unusable"),
        ('language = "fr"\n', "ngôn ngữ «fr»", "no language “fr”"),
        ("hub = 3\n", "phải là một chuỗi", "must be a non-empty text"),
        ('basemap = "https://tiles.example/a.png"\n', "{z}, {x} và {y}", "needs {z}, {x} and {y}"),
    ],
)
def test_a_bad_site_file_is_refused_with_words_and_the_path(tmp_path: Path, text: str, vi: str, en: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SiteFileError) as caught:
        site_file.read(path)
    assert vi in caught.value.message("vi") and str(path) in caught.value.message("vi")
    assert caught.value.message("vi").endswith("Tệp đã được bỏ qua.")
    assert en in caught.value.message("en")


def test_where_a_site_file_is_looked_for(tmp_path: Path) -> None:
    named = _write(tmp_path, 'hub = "https://ioc.example"\n')
    assert site_file.find({site_file.ENV_VAR: str(named)}) == site_file.read(named)
    with pytest.raises(SiteFileError, match="no such file"):
        site_file.find({site_file.ENV_VAR: str(tmp_path / "none.toml")})
    beside = site_file.candidates({}, executable=str(tmp_path / "ioc-console"), frozen=True)
    assert beside[0] == tmp_path.resolve() / "site.toml"  # the Windows installer's place
    assert site_file.SYSTEM_FILE in site_file.candidates({}, frozen=False)  # the Linux package's
