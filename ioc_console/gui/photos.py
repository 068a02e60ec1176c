"""Photos of a report: a strip of thumbnails, a full view, fetched lazily and kept on disk.

The bytes of a photo come from a *source*, a callable ``source(attachment_id) -> bytes`` (the demo's
:func:`ioc_console.demo.demo_photo_for` for now, the hub's attachment download later). Nothing is
fetched until a thumbnail is about to be painted; the fetch, the disk cache and the decoding run on
a worker thread of their own (never the GUI thread, never the database worker), and a photo fetched
once is read from the disk cache afterwards without asking the source again.

A photo that cannot be fetched or decoded is shown as a placeholder that says so in words; it is
not cached, so a later attempt may succeed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.report import MAX_PHOTO_PIXELS, Attachment
from ioc_console.private_files import private_folder

from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import Names

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
PhotoSource = Callable[[str], bytes]

#: Thumbnails are scaled to fit this square (logical pixels).
THUMB_SIZE = 96
#: Photos larger than this are refused (a photo, not a film).
MAX_PHOTO_BYTES = 25 * 1024 * 1024
#: Photos are kept decoded at most this many pixels on their longer side (the viewer fits them to
#: the window), so a photo held in memory takes at most some 26 MB.
VIEW_SIDE = 2560
#: What one decode may allocate (MB): a photo of the pixel budget, at four bytes a pixel.
ALLOCATION_MB = MAX_PHOTO_PIXELS * 4 // (1024 * 1024) + 1
#: The disk cache is trimmed (oldest first) when it grows past this.
CACHE_BYTES = 512 * 1024 * 1024
#: Decoded photos kept in memory (thumbnails and full images).
MEMORY_ITEMS = 64

#: The attachment id of a row (``str``).
AttachmentIdRole = Qt.ItemDataRole.UserRole + 1


class PhotoCache:
    """Photos on disk by attachment id: written atomically, read back byte for byte (no Qt).

    File names are hashes of the ids (ids come from the hub and are not trusted as paths).
    """

    def __init__(self, folder: Path, max_bytes: int = CACHE_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def path(self, attachment_id: str) -> Path:
        digest = hashlib.sha256(attachment_id.encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / f"{digest}.img"

    def get(self, attachment_id: str) -> bytes | None:
        path = self.path(attachment_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: trimmed last
        return data

    def put(self, attachment_id: str, data: bytes) -> None:
        path = self.path(attachment_id)
        private_folder(self.folder)
        private_folder(path.parent)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("*/*.img"))

    def trim(self) -> int:
        """Remove the least recently used photos until the cache fits; the bytes removed."""
        files = []
        for p in self.folder.glob("*/*.img"):
            with contextlib.suppress(OSError):
                stat = p.stat()
                files.append((stat.st_mtime, stat.st_size, p))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, p in sorted(files):
            if total - removed <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                p.unlink()
                removed += size
        return removed


@dataclass(frozen=True)
class Photo:
    """A photo as the worker delivers it: decoded (``QImage`` is safe off the GUI thread) or failed."""

    attachment_id: str
    image: QImage | None
    thumbnail: QImage | None
    #: Why there is no image (a short reason, in English, for the log); None when decoded.
    error: str | None = None
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.image is not None


def decode_photo(data: bytes, longest: int = VIEW_SIDE) -> tuple[QImage | None, str]:
    """``data`` decoded at most ``longest`` pixels on its longer side, or None and why. The size
    is read from the header first: a photo over the pixel budget is never decoded, and Qt's own
    allocation limit stops any decoder that would still take more."""
    QImageReader.setAllocationLimit(ALLOCATION_MB)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if not data or not size.isValid() or size.isEmpty():
        return None, "not a readable image"
    if size.width() * size.height() > MAX_PHOTO_PIXELS:
        return None, f"too many pixels ({size.width()}×{size.height()})"
    if max(size.width(), size.height()) > longest:
        reader.setScaledSize(size.scaled(longest, longest, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None, f"not a readable image ({reader.errorString()})"
    return image, ""


def load_photo(
    attachment_id: str, source: PhotoSource, cache: PhotoCache | None, thumb: int = THUMB_SIZE
) -> Photo:
    """On the worker: the cached bytes or the source's, decoded and scaled to a thumbnail."""
    data: bytes | None = None
    from_cache = False
    if cache is not None:
        try:
            data = cache.get(attachment_id)
        except OSError as error:
            log.warning("photo cache unreadable for %s: %s", attachment_id, error)
        from_cache = data is not None
    if data is None:
        try:
            data = source(attachment_id)
        except Exception as error:
            return Photo(attachment_id, None, None, f"fetch failed: {error}")
        if not isinstance(data, (bytes, bytearray)):
            return Photo(attachment_id, None, None, "the source gave no bytes")
        data = bytes(data)
    if len(data) > MAX_PHOTO_BYTES:
        return Photo(attachment_id, None, None, f"too large ({len(data)} bytes)")
    image, error = decode_photo(data)
    if image is None:
        return Photo(attachment_id, None, None, error)
    if cache is not None and not from_cache:
        try:
            cache.put(attachment_id, data)
        except OSError as error:
            log.warning("photo not cached (%s): %s", attachment_id, error)
    thumbnail = image.scaled(
        thumb, thumb, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return Photo(attachment_id, image, thumbnail, None, from_cache)


class PhotoLoader(QObject):
    """Loads photos on a worker thread of its own; each answer arrives once, on the GUI thread.

    Signals:
        photo_loaded(object): a :class:`Photo` (decoded, or failed with its reason).
    """

    photo_loaded = Signal(object)

    def __init__(
        self,
        source: PhotoSource,
        cache: PhotoCache | None,
        *,
        thumb_size: int = THUMB_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.cache = cache
        self.thumb_size = thumb_size
        # Its own thread: a slow download never holds up the database worker.
        self._worker = DatabaseExecutor("ioc-photos", self)
        self._memory: OrderedDict[str, Photo] = OrderedDict()
        self._asked: set[str] = set()

    def cached(self, attachment_id: str) -> Photo | None:
        photo = self._memory.get(attachment_id)
        if photo is not None:
            self._memory.move_to_end(attachment_id)
        return photo

    def request(self, attachment_id: str) -> None:
        """Load ``attachment_id`` unless it is loaded or on its way; :attr:`photo_loaded` follows."""
        if attachment_id in self._memory or attachment_id in self._asked or self._worker.closed:
            return
        self._asked.add(attachment_id)
        source, cache, size = self.source, self.cache, self.thumb_size
        Op(lambda: load_photo(attachment_id, source, cache, size), self).on_success(
            self._on_loaded
        ).on_failure(lambda error: self._on_loaded(Photo(attachment_id, None, None, f"failed: {error}"))).run(
            self._worker
        )

    def forget(self, attachment_id: str) -> None:
        """Drop a failed or stale photo from memory so that the next request tries again."""
        self._memory.pop(attachment_id, None)

    def _on_loaded(self, photo: Photo) -> None:
        self._asked.discard(photo.attachment_id)
        if photo.ok:
            self._memory[photo.attachment_id] = photo
            while len(self._memory) > MEMORY_ITEMS:
                self._memory.popitem(last=False)
        else:
            log.info("photo %s not shown: %s", photo.attachment_id, photo.error)
        self.photo_loaded.emit(photo)

    def shutdown(self) -> None:
        self._worker.shutdown()


def placeholder(size: QSize, text: str, palette: QPalette, *, broken: bool = False) -> QPixmap:
    """A box with words in it, where a photo is loading or could not be shown."""
    pixmap = QPixmap(size)
    background = palette.color(QPalette.ColorRole.AlternateBase)
    pixmap.fill(background)
    painter = QPainter(pixmap)
    try:
        colour = QColor("#a11a12") if broken else palette.color(QPalette.ColorRole.PlaceholderText)
        pen = QPen(colour)
        pen.setStyle(Qt.PenStyle.DashLine if not broken else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawRect(QRect(0, 0, size.width() - 1, size.height() - 1))
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        painter.drawText(
            QRect(4, 4, size.width() - 8, size.height() - 8),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            text,
        )
    finally:
        painter.end()
    return pixmap


class PhotoStripModel(QAbstractListModel):
    """The photos of one report; a thumbnail is asked for only when a view paints its row."""

    def __init__(self, loader: PhotoLoader, names: Names, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._names = names
        self._photos: list[Attachment] = []
        self._rows: dict[str, int] = {}
        self._icons: dict[str, QIcon] = {}
        self._failed: set[str] = set()
        self._size = QSize(loader.thumb_size, loader.thumb_size)
        self._loading = QIcon()
        self._broken = QIcon()
        self._stages = {
            "report": self.tr("Ảnh khi phản ánh"),
            "progress": self.tr("Ảnh trong khi xử lý"),
            "result": self.tr("Ảnh kết quả xử lý"),
        }
        #: Under each thumbnail: the stage in a word or two, and the date.
        self._short = {
            "report": self.tr("Hiện trường"),
            "progress": self.tr("Đang xử lý"),
            "result": self.tr("Kết quả"),
        }
        loader.photo_loaded.connect(self._on_loader_photo_loaded)

    def short_texts(self) -> list[str]:
        return list(self._short.values())

    def set_palette(self, palette: QPalette) -> None:
        self._loading = QIcon(placeholder(self._size, self.tr("Đang tải ảnh…"), palette))
        self._broken = QIcon(placeholder(self._size, self.tr("Không xem được ảnh này"), palette, broken=True))

    def set_attachments(self, attachments: Sequence[Attachment]) -> None:
        self.beginResetModel()
        self._photos = [a for a in attachments if a.kind == "photo"]
        self._rows = {a.id: n for n, a in enumerate(self._photos)}
        self._icons = {}
        self._failed = set()
        self.endResetModel()

    def attachments(self) -> list[Attachment]:
        return list(self._photos)

    def attachment(self, row: int) -> Attachment:
        return self._photos[row]

    def is_failed(self, attachment_id: str) -> bool:
        return attachment_id in self._failed

    def is_loaded(self, attachment_id: str) -> bool:
        return attachment_id in self._icons

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._photos)

    def caption(self, attachment: Attachment) -> str:
        stage = self._stages.get(attachment.stage) or self.tr("Ảnh")
        when = self._names.when(attachment.added_at)
        return f"{stage} · {when}" if when else stage

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        attachment = self._photos[index.row()]
        ident = attachment.id
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(ident)
            if icon is not None:
                return icon
            if ident in self._failed:
                return self._broken
            photo = self._loader.cached(ident)
            if photo is not None and photo.thumbnail is not None:
                icon = QIcon(QPixmap.fromImage(photo.thumbnail))
                self._icons[ident] = icon
                return icon
            self._loader.request(ident)  # lazily: this row is being painted
            return self._loading
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self.caption(attachment)
            if ident in self._failed:
                text += " — " + self.tr("không xem được ảnh này")
            return text
        if role == Qt.ItemDataRole.DisplayRole:
            stage = self._short.get(attachment.stage, "")
            day = (
                attachment.added_at.astimezone(self._names.tz).strftime("%d/%m")
                if attachment.added_at
                else ""
            )
            return " · ".join(p for p in (stage, day) if p)
        if role == AttachmentIdRole:
            return ident
        return None

    @Slot(object)
    def _on_loader_photo_loaded(self, photo: Photo) -> None:
        row = self._rows.get(photo.attachment_id)
        if row is None:
            return
        if photo.thumbnail is not None:
            self._icons[photo.attachment_id] = QIcon(QPixmap.fromImage(photo.thumbnail))
            self._failed.discard(photo.attachment_id)
        else:
            self._failed.add(photo.attachment_id)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])


class PhotoStrip(QListView):
    """A row of thumbnails; Enter or a double click opens the full view.

    Signals:
        photo_opened(str): the attachment id of the photo opened in the full view.
    """

    photo_opened = Signal(str)

    def __init__(self, loader: PhotoLoader, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.names = names
        self.photo_model = PhotoStripModel(loader, names, self)
        self.photo_model.set_palette(self.palette())
        self.setModel(self.photo_model)
        self.setObjectName("photo_strip")
        self.setAccessibleName(self.tr("Ảnh hiện trường"))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        size = loader.thumb_size
        self.setIconSize(QSize(size, size))
        caption = self.fontMetrics().height()
        widest = max(
            self.fontMetrics().horizontalAdvance(t + " · 00/00") for t in self.photo_model.short_texts()
        )
        self.setGridSize(QSize(max(size + 16, widest + 14), size + caption + 12))
        self.setSpacing(2)
        self.setFixedHeight(size + caption + 18 + self.horizontalScrollBar().sizeHint().height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.activated.connect(self._on_activated)

    def set_attachments(self, attachments: Sequence[Attachment]) -> None:
        """Show these photos (other attachments are skipped); the strip's owner hides it when empty."""
        self.photo_model.set_attachments(attachments)

    def has_photos(self) -> bool:
        return self.photo_model.rowCount() > 0

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_viewer(index.row())

    def viewer(self) -> PhotoViewer | None:
        """The full view opened from this strip, while it is open."""
        return self.window().findChild(PhotoViewer)

    def open_viewer(self, row: int) -> PhotoViewer:
        viewer = PhotoViewer(self.loader, self.photo_model, row, self.window())
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        self.photo_opened.emit(self.photo_model.attachment(row).id)
        return viewer


class PhotoViewer(QDialog):
    """One photo at the size of the window, with its caption; ← and → go through the report's photos."""

    def __init__(self, loader: PhotoLoader, model: PhotoStripModel, row: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.loader = loader
        self.model = model
        self.row = row
        self.setObjectName("photo_viewer")
        self.setWindowTitle(self.tr("Ảnh hiện trường"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        layout = QVBoxLayout(self)
        self.image_label = QLabel(self)
        self.image_label.setObjectName("photo_image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setTextFormat(Qt.TextFormat.PlainText)
        self.image_label.setMinimumSize(320, 240)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout.addWidget(self.image_label, 1)
        self.caption = QLabel(self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.caption)
        row_layout = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("← Ảnh &trước"), self)
        self.next_button = QPushButton(self.tr("Ảnh &sau →"), self)
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)
        self.previous_button.clicked.connect(lambda: self.show_row(self.row - 1))
        self.next_button.clicked.connect(lambda: self.show_row(self.row + 1))
        row_layout.addWidget(self.previous_button)
        row_layout.addStretch(1)
        row_layout.addWidget(self.next_button)
        layout.addLayout(row_layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._image: QImage | None = None
        loader.photo_loaded.connect(self._on_loader_photo_loaded)
        self.resize(900, 680)
        self.show_row(row)

    def show_row(self, row: int) -> None:
        count = self.model.rowCount()
        if not 0 <= row < count:
            return
        self.row = row
        attachment = self.model.attachment(row)
        self.caption.setText(
            self.tr("Ảnh %1/%2 · %3")
            .replace("%1", str(row + 1))
            .replace("%2", str(count))
            .replace("%3", self.model.caption(attachment))
        )
        self.previous_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < count - 1)
        photo = self.loader.cached(attachment.id)
        if photo is not None and photo.image is not None:
            self._set_image(photo.image)
        elif self.model.is_failed(attachment.id):
            self._set_failed()
        else:
            self._image = None
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(self.tr("Đang tải ảnh…"))
            self.loader.request(attachment.id)

    def _set_image(self, image: QImage) -> None:
        self._image = image
        self.image_label.setText("")
        self._fit()

    def _set_failed(self) -> None:
        self._image = None
        self.image_label.setPixmap(QPixmap())
        self.image_label.setText(
            self.tr("Không xem được ảnh này: tệp ảnh bị hỏng hoặc chưa tải được. Hãy thử lại sau.")
        )

    def _fit(self) -> None:
        if self._image is None:
            return
        area = self.image_label.size()
        ratio = self.devicePixelRatioF()
        scaled = self._image.scaled(
            max(1, int(area.width() * ratio)),
            max(1, int(area.height() * ratio)),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        pixmap = QPixmap.fromImage(scaled)
        pixmap.setDevicePixelRatio(ratio)
        self.image_label.setPixmap(pixmap)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_PageUp: -1, Qt.Key.Key_PageDown: 1}
        step = steps.get(Qt.Key(event.key()))
        if step is not None and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.show_row(self.row + step)
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot(object)
    def _on_loader_photo_loaded(self, photo: Photo) -> None:
        if self.row >= self.model.rowCount() or photo.attachment_id != self.model.attachment(self.row).id:
            return
        if photo.image is not None:
            self._set_image(photo.image)
        else:
            self._set_failed()


__all__ = [
    "CACHE_BYTES",
    "MAX_PHOTO_BYTES",
    "THUMB_SIZE",
    "AttachmentIdRole",
    "Photo",
    "PhotoCache",
    "PhotoLoader",
    "PhotoSource",
    "PhotoStrip",
    "PhotoStripModel",
    "PhotoViewer",
    "load_photo",
    "placeholder",
]
