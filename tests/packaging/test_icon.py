"""The application icon: PNGs at 16–256 px, a multi-size ICO, an SVG, all from make_icon.py."""

from __future__ import annotations

import struct

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtSvg import QSvgRenderer

ICON_DIR_PARTS = ("resources", "icons")


@pytest.fixture
def icons(repo_root):
    return repo_root.joinpath(*ICON_DIR_PARTS)


def ico_entries(data: bytes) -> list[tuple[int, bytes]]:
    """(size, payload) for each image of an ICO file, read by hand."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    entries = []
    for index in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert width == height and planes == 1 and bits == 32
        entries.append((width or 256, data[offset : offset + length]))
    return entries


def test_pngs_exist_at_every_size(qapp, icons, packaging_module):
    make_icon = packaging_module("make_icon")
    for size in make_icon.PNG_SIZES:
        image = QImage(str(icons / f"hyoka-desk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert {16, 32, 48, 256} <= set(make_icon.PNG_SIZES)


def test_icon_has_transparent_corners_and_a_solid_tile(qapp, icons):
    image = QImage(str(icons / "hyoka-desk-256.png"))
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(128, 20).alpha() == 255  # the blue tile behind the sheet
    assert image.pixelColor(128, 20).blue() > image.pixelColor(128, 20).red()


def test_ico_holds_every_windows_size(qapp, icons, packaging_module):
    make_icon = packaging_module("make_icon")
    data = (icons / "hyoka-desk.ico").read_bytes()
    entries = ico_entries(data)
    assert [size for size, _ in entries] == list(make_icon.ICO_SIZES)
    for size, payload in entries:
        if size <= make_icon.ICO_DIB_MAX:
            header_size, width, height = struct.unpack_from("<Iii", payload, 0)
            assert (header_size, width, height) == (40, size, size * 2)  # DIB + AND mask
        else:
            assert payload[:8] == b"\x89PNG\r\n\x1a\n"
    # And Qt's own ICO reader (as Windows would) sees the same images.
    reader = QImageReader(str(icons / "hyoka-desk.ico"))
    assert reader.imageCount() == len(make_icon.ICO_SIZES)
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        sizes.append(reader.read().width())
    assert sorted(sizes) == sorted(make_icon.ICO_SIZES)


def test_committed_svg_is_the_scripts_drawing(icons, packaging_module):
    svg = (icons / "hyoka-desk.svg").read_text(encoding="utf-8")
    assert svg == packaging_module("make_icon").FULL_SVG
    assert QSvgRenderer(QByteArray(svg.encode())).isValid()


def test_regenerating_gives_the_committed_pictures(qapp, icons, tmp_path, packaging_module):
    """Edited make_icon.py but forgot to run it? The committed PNGs would then differ."""
    make_icon = packaging_module("make_icon")
    written = make_icon.write_icons(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        p.name for p in icons.iterdir() if p.suffix in {".png", ".ico", ".svg"}
    )
    for size in make_icon.PNG_SIZES:
        fresh = QImage(str(tmp_path / f"hyoka-desk-{size}.png"))
        committed = QImage(str(icons / f"hyoka-desk-{size}.png"))
        assert fresh.size() == committed.size()
        # A tolerance for anti-aliasing differences between Qt versions.
        differences = [
            abs(fresh.pixelColor(x, y).alpha() - committed.pixelColor(x, y).alpha())
            for y in range(0, size, max(1, size // 32))
            for x in range(0, size, max(1, size // 32))
        ]
        assert sum(differences) / len(differences) < 4, size
