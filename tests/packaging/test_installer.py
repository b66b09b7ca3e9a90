"""packaging/installer.nsi: a per-user installer that never asks for admin rights."""

from __future__ import annotations

import re
import shutil

import pytest


def script_lines(repo_root) -> list[str]:
    """The script's instructions, without comments."""
    text = (repo_root / "packaging" / "installer.nsi").read_text(encoding="utf-8")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith(";")
    ]


def test_never_asks_for_admin_rights(repo_root):
    lines = script_lines(repo_root)
    levels = [line for line in lines if line.lower().startswith("requestexecutionlevel")]
    assert levels == ["RequestExecutionLevel user"]
    assert not any(
        re.search(r"RequestExecutionLevel\s+(admin|highest)", line, re.I) for line in lines
    )


def test_writes_only_to_the_users_profile_and_hkcu(repo_root):
    lines = script_lines(repo_root)
    text = "\n".join(lines)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_ID}"' in lines
    assert "HKLM" not in text and "HKEY_LOCAL_MACHINE" not in text
    assert "$PROGRAMFILES" not in text
    assert "SetShellVarContext all" not in text  # all-users shortcuts need admin
    assert re.search(r'WriteRegStr HKCU "\$\{UNINSTALL_KEY\}" "UninstallString"', text)
    assert "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${APP_ID}" in text
    assert re.search(r'CreateShortcut "\$\{SHORTCUT\}" "\$INSTDIR\\\$\{APP_EXE\}"', text)
    assert '!define SHORTCUT "$SMPROGRAMS\\${APP_NAME}.lnk"' in lines


def test_uninstaller_removes_only_what_it_installed(repo_root):
    lines = script_lines(repo_root)
    uninstall = lines[lines.index('Section "Uninstall"') :]
    assert 'RMDir "$INSTDIR"' in uninstall  # only when empty
    assert not any(line.startswith('RMDir /r "$INSTDIR"') for line in uninstall)
    assert not any("APPDATA" in line for line in uninstall)  # evaluation files stay


def test_command_reads_utf8_and_passes_four_part_version(packaging_module, tmp_path):
    build = packaging_module("build_installer")
    command = build.makensis_command(
        tmp_path / "makensis", tmp_path / "dist", tmp_path / "setup.exe", "0.3.1"
    )
    assert command[command.index("-INPUTCHARSET") + 1] == "UTF8"
    assert "-DVERSION=0.3.1" in command
    assert "-DVI_VERSION=0.3.1.0" in command
    assert "-WX" in command  # warnings fail the build
    assert command[-1].endswith("installer.nsi")


def fake_build(folder):
    """The shape of a PyInstaller one-folder build, without the megabytes."""
    (folder / "_internal" / "catalogs").mkdir(parents=True)
    (folder / "hyoka-desk.exe").write_bytes(b"MZ not really a program")
    (folder / "_internal" / "catalogs" / "r8.yaml").write_text("catalog: municipal-r8\n")
    return folder


needs_makensis = pytest.mark.skipif(
    shutil.which("makensis") is None, reason="makensis (Debian: nsis) がありません"
)


@needs_makensis
def test_script_compiles_around_a_build(packaging_module, tmp_path):
    build = fake_build(tmp_path / "dist" / "hyoka-desk")
    out = packaging_module("build_installer").build_installer(
        build, tmp_path / "インストーラー" / "HyokaDesk-試験-setup.exe", fast=True
    )
    assert out.read_bytes()[:2] == b"MZ"  # a Windows executable
    assert out.stat().st_size > 30_000


@needs_makensis
def test_wrong_build_folder_is_refused_at_compile_time(packaging_module, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    status = packaging_module("build_installer").main(
        ["--build-dir", str(empty), "--out", str(tmp_path / "setup.exe"), "--fast"]
    )
    assert status == 1
    assert not (tmp_path / "setup.exe").exists()
    assert "makensis が失敗しました" in capsys.readouterr().err


def test_missing_build_folder_is_a_clear_error(packaging_module, tmp_path, capsys):
    status = packaging_module("build_installer").main(["--build-dir", str(tmp_path / "nai")])
    assert status == 1
    assert "ビルドのフォルダがありません" in capsys.readouterr().err
