"""The Windows version resource, generated from desktop.__version__."""

from __future__ import annotations

import pytest

import desktop


def test_version_is_read_without_importing_the_package(packaging_module, repo_root):
    assert packaging_module("version_info").read_version(repo_root) == desktop.__version__


@pytest.mark.parametrize(
    ("version", "four"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.0.3rc1", (2, 0, 3, 0)),
        ("1.4.0+local.7", (1, 4, 0, 0)),
    ],
)
def test_windows_wants_four_numbers(packaging_module, version, four):
    assert packaging_module("version_info").windows_version(version) == four


@pytest.mark.parametrize("version", ["", "abc", "70000.1.0"])
def test_unusable_versions_are_refused_in_japanese(packaging_module, version):
    with pytest.raises(ValueError, match="版"):
        packaging_module("version_info").windows_version(version)


# Stand-ins with the exact signatures of PyInstaller's versioninfo classes (which import
# pefile and win32api, so they load only on Windows): a wrong keyword fails here too.
class VSVersionInfo:
    def __init__(self, ffi=None, kids=None):
        self.ffi, self.kids = ffi, kids


class FixedFileInfo:
    def __init__(
        self,
        filevers=(0, 0, 0, 0),
        prodvers=(0, 0, 0, 0),
        mask=0x3F,
        flags=0x0,
        OS=0x40004,
        fileType=0x1,
        subtype=0x0,
        date=(0, 0),
    ):
        self.filevers, self.prodvers, self.fileType = filevers, prodvers, fileType


class StringFileInfo:
    def __init__(self, kids=None):
        self.kids = kids


class StringTable:
    def __init__(self, name=None, kids=None):
        self.name, self.kids = name, kids


class StringStruct:
    def __init__(self, name=None, val=None):
        self.name, self.val = name, val


class VarFileInfo:
    def __init__(self, kids=None):
        self.kids = kids


class VarStruct:
    def __init__(self, name=None, kids=None):
        self.name, self.kids = name, kids


def evaluate(text: str):
    namespace = {
        cls.__name__: cls
        for cls in (
            VSVersionInfo,
            FixedFileInfo,
            StringFileInfo,
            StringTable,
            StringStruct,
            VarFileInfo,
            VarStruct,
        )
    }
    return eval(text, namespace)  # as PyInstaller's load_version_info_from_text_file does


def test_rendered_resource_carries_version_and_japanese_names(packaging_module):
    info = evaluate(packaging_module("version_info").render("1.2.3"))
    assert isinstance(info, VSVersionInfo)
    assert info.ffi.filevers == (1, 2, 3, 0)
    assert info.ffi.prodvers == (1, 2, 3, 0)
    assert info.ffi.fileType == 0x1  # an application
    string_file_info, var_file_info = info.kids
    (table,) = string_file_info.kids
    assert table.name == "041104B0"  # Japanese, Unicode
    strings = {s.name: s.val for s in table.kids}
    assert strings["ProductVersion"] == "1.2.3"
    assert strings["FileVersion"] == "1.2.3.0"
    assert strings["OriginalFilename"] == "hyoka-desk.exe"
    assert "交付金評価デスク" in strings["ProductName"]
    (translation,) = var_file_info.kids
    assert (translation.name, translation.kids) == ("Translation", [0x0411, 1200])


def test_written_file_is_utf8_with_the_current_version(packaging_module, tmp_path):
    path = packaging_module("version_info").write(tmp_path / "sub" / "v.txt")
    info = evaluate(path.read_text(encoding="utf-8"))
    strings = {s.name: s.val for s in info.kids[0].kids[0].kids}
    assert strings["ProductVersion"] == desktop.__version__
