"""Draw the application icon and write it as SVG, PNGs (16–256 px) and a multi-size ICO.

Usage: ``python packaging/make_icon.py [OUT_DIR]`` (default ``resources/icons``).

The SVG written here is the master drawing; the PNGs are rendered from it with Qt's
SVG renderer offscreen, so every format shows the same picture. Small sizes (≤ 24 px)
use a simplified drawing, because the ruled lines of the full one turn to mush at 16 px.

The ICO container is written by hand (it is a small format): sizes up to 48 px as
32-bit DIBs, which every Windows tool reads (NSIS, the Explorer of old Windows), and
the larger ones as PNG, which Windows reads since Vista and which keeps the file small.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

BASE_NAME = "hyoka-desk"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
SMALL_DRAWING_MAX = 24
ICO_DIB_MAX = 48
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "resources" / "icons"

# A blue tile with an evaluation sheet: two ticked sub-items, one still open, and a small
# rising bar chart for the live totals. Colours chosen to stay distinct on the Windows
# taskbar in both light and dark mode.
FULL_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>交付金評価デスク</title>
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2f74c0"/>
      <stop offset="1" stop-color="#1b4f8f"/>
    </linearGradient>
  </defs>
  <rect x="12" y="12" width="232" height="232" rx="48" fill="url(#tile)"/>
  <rect x="56" y="36" width="144" height="184" rx="14" fill="#ffffff"/>
  <rect x="76" y="66" width="26" height="26" rx="5" fill="none" stroke="#1b4f8f" stroke-width="6"/>
  <path d="M80 78 l8 9 l18 -22" fill="none" stroke="#2f9e44" stroke-width="9"
        stroke-linecap="round" stroke-linejoin="round"/>
  <rect x="114" y="74" width="66" height="10" rx="5" fill="#9aa7b6"/>
  <rect x="76" y="110" width="26" height="26" rx="5" fill="none" stroke="#1b4f8f" stroke-width="6"/>
  <path d="M80 122 l8 9 l18 -22" fill="none" stroke="#2f9e44" stroke-width="9"
        stroke-linecap="round" stroke-linejoin="round"/>
  <rect x="114" y="118" width="66" height="10" rx="5" fill="#9aa7b6"/>
  <rect x="76" y="154" width="26" height="26" rx="5" fill="none" stroke="#1b4f8f" stroke-width="6"/>
  <rect x="114" y="162" width="40" height="10" rx="5" fill="#9aa7b6"/>
  <rect x="160" y="176" width="10" height="26" rx="2" fill="#f08c00"/>
  <rect x="174" y="164" width="10" height="38" rx="2" fill="#f08c00"/>
  <rect x="188" y="150" width="10" height="52" rx="2" fill="#f08c00"/>
</svg>
"""

SMALL_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <title>交付金評価デスク</title>
  <rect x="0.5" y="0.5" width="15" height="15" rx="3" fill="#1f5fa8"/>
  <rect x="3" y="2" width="10" height="12" rx="1" fill="#ffffff"/>
  <path d="M4.6 8.2 l2 2.2 l4 -4.8" fill="none" stroke="#2f9e44" stroke-width="2"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""


def render(svg: str, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("アイコンの SVG を読めません。")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    # ICO DIBs and PNGs both store straight (non-premultiplied) alpha.
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def icon_image(size: int) -> QImage:
    return render(SMALL_SVG if size <= SMALL_DRAWING_MAX else FULL_SVG, size)


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("PNG に変換できません。")
    return bytes(buffer.data())


def dib_bytes(image: QImage) -> bytes:
    """A 32-bit BGRA device-independent bitmap as ICO stores it: bottom-up, plus AND mask."""
    size = image.width()
    header = struct.pack(
        "<IiiHHIIiiII",
        40,  # BITMAPINFOHEADER size
        size,
        size * 2,  # colour rows + mask rows, as the ICO format requires
        1,  # planes
        32,  # bits per pixel
        0,  # BI_RGB, uncompressed
        0,
        0,
        0,
        0,
        0,
    )
    # Format_ARGB32 is 0xAARRGGBB per pixel, i.e. B, G, R, A in little-endian memory.
    rows = []
    mask_rows = []
    mask_stride = ((size + 31) // 32) * 4
    for y in reversed(range(size)):
        line = image.constScanLine(y).tobytes()[: size * 4]
        if sys.byteorder != "little":
            line = b"".join(line[i : i + 4][::-1] for i in range(0, len(line), 4))
        rows.append(line)
        mask = bytearray(mask_stride)
        for x in range(size):
            if line[x * 4 + 3] == 0:  # fully transparent: let the background show
                mask[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(mask))
    return header + b"".join(rows) + b"".join(mask_rows)


def ico_bytes(images: list[QImage]) -> bytes:
    entries = []
    payloads = []
    offset = 6 + 16 * len(images)
    for image in images:
        size = image.width()
        payload = dib_bytes(image) if size <= ICO_DIB_MAX else png_bytes(image)
        dimension = 0 if size >= 256 else size  # 0 means 256 in the one-byte fields
        entries.append(
            struct.pack("<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(payload), offset)
        )
        payloads.append(payload)
        offset += len(payload)
    header = struct.pack("<HHH", 0, 1, len(images))
    return header + b"".join(entries) + b"".join(payloads)


def write_icons(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    svg_path = out_dir / f"{BASE_NAME}.svg"
    svg_path.write_text(FULL_SVG, encoding="utf-8")
    written.append(svg_path)
    for size in PNG_SIZES:
        path = out_dir / f"{BASE_NAME}-{size}.png"
        path.write_bytes(png_bytes(icon_image(size)))
        written.append(path)
    ico_path = out_dir / f"{BASE_NAME}.ico"
    ico_path.write_bytes(ico_bytes([icon_image(size) for size in ICO_SIZES]))
    written.append(ico_path)
    return written


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT_DIR
    _app = QGuiApplication.instance() or QGuiApplication(argv[:1])
    for path in write_icons(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
