"""Photos: thumbnails after a lazy fetch on a worker, a disk cache, a readable placeholder, a full view."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from ioc_console.demo import demo_photo_for
from ioc_console.domain.report import Attachment

from ioc_console.gui.photos import PhotoCache, PhotoLoader, PhotoStrip, load_photo
from ioc_console.gui.present import Names

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TIMEOUT = 10_000
AT = datetime(2026, 3, 9, 9, 40, tzinfo=TZ)


@pytest.fixture(scope="module", autouse=True)
def _application(qapp):
    """The application exists before the folder's per-test helpers start their timers."""
    return qapp


class CountingSource:
    """The demo's photos, counting each fetch and the thread it ran on; some ids can be broken."""

    def __init__(self, broken: dict[str, bytes | Exception] | None = None) -> None:
        self.calls: list[str] = []
        self.threads: set[str] = set()
        self.broken = broken or {}
        self._lock = threading.Lock()

    def __call__(self, attachment_id: str) -> bytes:
        with self._lock:
            self.calls.append(attachment_id)
            self.threads.add(threading.current_thread().name)
        bad = self.broken.get(attachment_id)
        if isinstance(bad, Exception):
            raise bad
        if bad is not None:
            return bad
        return demo_photo_for(attachment_id)


def photos(*ids: str, stage: str = "report") -> list[Attachment]:
    return [Attachment(i, "photo", "image/png", 1000, added_at=AT, stage=stage) for i in ids]


@pytest.fixture
def names(jurisdiction) -> Names:
    return Names(jurisdiction, "vi")


@pytest.fixture
def make_loader(qtbot, tmp_path: Path):
    made: list[PhotoLoader] = []

    def make(source, cache_dir: Path | None = None) -> PhotoLoader:
        loader = PhotoLoader(source, PhotoCache(cache_dir or tmp_path / "cache"))
        made.append(loader)
        return loader

    yield make
    for loader in made:
        loader.shutdown()


def _strip(qtbot, loader: PhotoLoader, names: Names, attachments: list[Attachment]) -> PhotoStrip:
    strip = PhotoStrip(loader, names)
    qtbot.addWidget(strip)
    strip.resize(600, strip.height())
    strip.set_attachments(attachments)
    return strip


def test_thumbnails_appear_after_a_lazy_fetch_on_a_worker(qtbot, make_loader, names) -> None:
    source = CountingSource()
    loader = make_loader(source)
    items = photos("PA-1-1", "PA-1-2", "PA-1-3")
    strip = _strip(qtbot, loader, names, items)
    model = strip.photo_model
    qtbot.wait(50)
    assert source.calls == []  # nothing fetched before a thumbnail is painted
    strip.show()
    qtbot.waitUntil(lambda: all(model.is_loaded(a.id) for a in items), timeout=TIMEOUT)
    assert sorted(source.calls) == ["PA-1-1", "PA-1-2", "PA-1-3"]
    assert threading.main_thread().name not in source.threads
    assert source.threads == {name for name in source.threads if name.startswith("ioc-photos")}
    # Each thumbnail is the photo itself, scaled to fit the strip (the demo's are 4:3).
    for row, attachment in enumerate(items):
        icon = model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
        pixmap = icon.pixmap(QSize(96, 96))
        expected = QImage.fromData(demo_photo_for(attachment.id))
        assert pixmap.width() == 96
        assert pixmap.height() == round(96 * expected.height() / expected.width())
        image = pixmap.toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
        assert len(colours) > 3  # a picture, not a plain placeholder box
    tooltip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Ảnh khi phản ánh · 09/03/2026 09:40"
    assert model.index(0, 0).data() == "Hiện trường · 09/03"
    # Painting again asks nothing more of the source.
    strip.viewport().repaint()
    qtbot.wait(50)
    assert len(source.calls) == 3


def test_only_the_thumbnails_in_view_are_fetched(qtbot, make_loader, names) -> None:
    source = CountingSource()
    items = photos(*(f"PA-3-{n}" for n in range(40)))
    strip = _strip(qtbot, make_loader(source), names, items)
    strip.resize(330, strip.height())  # room for three thumbnails
    strip.show()
    qtbot.waitUntil(lambda: strip.photo_model.is_loaded("PA-3-0"), timeout=TIMEOUT)
    qtbot.wait(100)
    assert 1 <= len(source.calls) <= 5
    strip.scrollTo(strip.photo_model.index(39, 0))
    qtbot.waitUntil(lambda: strip.photo_model.is_loaded("PA-3-39"), timeout=TIMEOUT)
    assert len(source.calls) < 12  # the ones scrolled past are never painted, so never fetched


def test_a_second_load_reads_the_disk_cache_not_the_source(qtbot, make_loader, names, tmp_path) -> None:
    cache_dir = tmp_path / "photo-cache"
    first = CountingSource()
    items = photos("PA-2-1", "PA-2-2")
    strip = _strip(qtbot, make_loader(first, cache_dir), names, items)
    strip.show()
    qtbot.waitUntil(lambda: all(strip.photo_model.is_loaded(a.id) for a in items), timeout=TIMEOUT)
    assert len(first.calls) == 2
    stored = sorted(cache_dir.glob("*/*.img"))
    assert len(stored) == 2
    assert {p.read_bytes() for p in stored} == {demo_photo_for("PA-2-1"), demo_photo_for("PA-2-2")}

    # A new console run: nothing in memory, the same folder on disk, and a source that must not be asked.
    second = CountingSource(broken={a.id: RuntimeError("no network") for a in items})
    again = _strip(qtbot, make_loader(second, cache_dir), names, items)
    loaded = []
    again.loader.photo_loaded.connect(loaded.append)
    again.show()
    qtbot.waitUntil(lambda: all(again.photo_model.is_loaded(a.id) for a in items), timeout=TIMEOUT)
    assert second.calls == []
    assert all(p.from_cache and p.ok for p in loaded)


def test_a_broken_photo_shows_a_readable_placeholder(qtbot, make_loader, names) -> None:
    items = photos("OK-1", "JUNK-1", "DOWN-1")
    source = CountingSource(broken={"JUNK-1": b"this is not an image", "DOWN-1": OSError("connection reset")})
    loader = make_loader(source)
    strip = _strip(qtbot, loader, names, items)
    model = strip.photo_model
    strip.show()
    qtbot.waitUntil(
        lambda: model.is_loaded("OK-1") and model.is_failed("JUNK-1") and model.is_failed("DOWN-1"),
        timeout=TIMEOUT,
    )
    for row in (1, 2):
        index = model.index(row, 0)
        assert index.data(Qt.ItemDataRole.ToolTipRole).endswith("— không xem được ảnh này")
        broken = index.data(Qt.ItemDataRole.DecorationRole).pixmap(QSize(96, 96)).toImage()
        assert not broken.isNull()
        # The placeholder is framed in red and carries words (several colours), unlike a blank.
        assert QImage(broken).pixelColor(0, 48).name() == "#a11a12"
    # A broken photo is not cached: a later attempt asks the source again.
    assert not loader.cache.path("JUNK-1").exists()
    assert loader.cache.path("OK-1").exists()

    # The full view says so in words, and moves on to the next photo with the keyboard.
    strip.setFocus()
    strip.setCurrentIndex(model.index(1, 0))
    QTest.keyClick(strip, Qt.Key.Key_Return)
    viewer = strip.viewer()
    assert viewer is not None
    qtbot.waitUntil(lambda: "Không xem được ảnh này" in viewer.image_label.text(), timeout=TIMEOUT)
    assert viewer.caption.text().startswith("Ảnh 2/3 · ")
    QTest.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.caption.text().startswith("Ảnh 1/3 · ")
    qtbot.waitUntil(
        lambda: viewer.image_label.pixmap() is not None and not viewer.image_label.pixmap().isNull()
    )
    assert viewer.image_label.text() == ""
    assert viewer.image_label.pixmap().width() > 96  # scaled up to the window, not the thumbnail
    viewer.close()


def test_load_photo_without_qt_widgets(tmp_path) -> None:
    cache = PhotoCache(tmp_path)
    fetched: list[str] = []

    def source(ident: str) -> bytes:
        fetched.append(ident)
        return demo_photo_for(ident)

    photo = load_photo("X-1", source, cache, thumb=40)
    assert photo.ok and not photo.from_cache
    assert photo.thumbnail is not None and photo.thumbnail.width() == 40
    assert photo.image is not None and photo.image.size() == QImage.fromData(demo_photo_for("X-1")).size()
    assert load_photo("X-1", source, cache).from_cache
    assert fetched == ["X-1"]
    assert not load_photo("X-2", lambda _i: b"", cache).ok
    assert not load_photo("X-3", lambda _i: "text, not bytes", cache).ok  # type: ignore[arg-type,return-value]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_cached_photos_are_the_users_alone(tmp_path) -> None:
    before = os.umask(0o022)
    try:
        cache = PhotoCache(tmp_path / "cache" / "photos")
        cache.put("PA-1-1", b"\xff\xd8\xff photo")
    finally:
        os.umask(before)
    stored = cache.path("PA-1-1")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700


def test_the_cache_keeps_ids_out_of_paths_and_trims_the_oldest(tmp_path) -> None:
    cache = PhotoCache(tmp_path / "c", max_bytes=250)
    hostile = "../../etc/passwd"
    cache.put(hostile, b"x" * 100)
    assert cache.path(hostile).is_relative_to(tmp_path / "c")
    assert cache.get(hostile) == b"x" * 100
    assert not (tmp_path / "etc").exists()
    for n in range(3):
        cache.put(f"p{n}", b"y" * 100)
    assert cache.size() == 400
    cache.get(hostile)  # used again: kept
    assert cache.trim() == 200
    assert cache.get(hostile) is not None
    assert cache.size() <= 250
    assert list((tmp_path / "c").glob("*/.part-*")) == []


def grey_png(width: int, height: int) -> bytes:
    """A real grey PNG: a few kilobytes that unpack to width × height bytes (or four times that)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_photo_over_the_pixel_budget_is_never_decoded(tmp_path) -> None:
    import resource

    bomb = grey_png(8000, 8000)  # 64 megapixels (256 MB decoded) in a small file
    assert len(bomb) < 200_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    photos = [load_photo(f"B-{n}", lambda _i: bomb, None) for n in range(8)]
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert all(not p.ok and p.error is not None and "8000×8000" in p.error for p in photos)
    assert grown_mb < 100, grown_mb  # nothing of the 8 × 256 MB was allocated
    # A large but acceptable photo is kept at the viewer's size, not the camera's.
    photo = load_photo("P-1", lambda _i: grey_png(6000, 4000), None, thumb=40)
    assert photo.ok and photo.image is not None and photo.thumbnail is not None
    assert (photo.image.width(), photo.image.height()) == (2560, 1706)
    assert photo.thumbnail.width() == 40
