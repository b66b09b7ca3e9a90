"""Compile the per-user NSIS installer around a one-folder build.

Usage:
  python packaging/build_installer.py --build-dir dist/hyoka-desk
      [--out dist/HyokaDesk-0.1.0-setup.exe] [--fast] [--sign-command "signtool … %1"]

Reads the version from ``desktop/__init__.py`` and passes it, the build folder and the
output file to ``makensis`` as defines, with the script read as UTF-8 (on Japanese
Windows makensis would otherwise read it as Shift_JIS). Works on Windows and, to prove
that the script compiles, on Linux with Debian's ``nsis`` package.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
SCRIPT = HERE / "installer.nsi"

sys.path.insert(0, str(HERE))
from version_info import read_version, windows_version  # noqa: E402

sys.path.remove(str(HERE))


class InstallerError(Exception):
    pass


def find_makensis() -> Path:
    found = shutil.which("makensis")
    if found:
        return Path(found)
    if sys.platform == "win32":
        for variable in ("ProgramFiles(x86)", "ProgramFiles"):
            base = os.environ.get(variable)
            if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
                return Path(base) / "NSIS" / "makensis.exe"
    raise InstallerError(
        "makensis が見つかりません。NSIS をインストールしてください"
        "（Debian: apt-get install nsis、Windows: NSIS 3 のインストーラー）。"
    )


def makensis_command(
    makensis: Path,
    build_dir: Path,
    out: Path,
    version: str,
    *,
    fast: bool = False,
    sign_command: str | None = None,
) -> list[str]:
    vi_version = ".".join(str(n) for n in windows_version(version))
    command = [
        str(makensis),
        "-V2",  # warnings and errors only: the file list would drown them
        "-WX",  # a warning is an error: a mistyped define must not pass silently
        "-INPUTCHARSET",
        "UTF8",
        f"-DBUILD_DIR={build_dir}",
        f"-DVERSION={version}",
        f"-DVI_VERSION={vi_version}",
        f"-DOUTFILE={out}",
    ]
    if fast:
        command.append("-DFAST")
    if sign_command:
        command.append(f"-DSIGN_COMMAND={sign_command}")
    command.append(str(SCRIPT))
    return command


def build_installer(
    build_dir: Path,
    out: Path | None = None,
    *,
    fast: bool = False,
    sign_command: str | None = None,
) -> Path:
    build_dir = build_dir.resolve()
    if not build_dir.is_dir():
        raise InstallerError(f"ビルドのフォルダがありません: {build_dir}")
    version = read_version(REPO_ROOT)
    out = (out or build_dir.parent / f"HyokaDesk-{version}-setup.exe").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    command = makensis_command(
        find_makensis(), build_dir, out, version, fast=fast, sign_command=sign_command
    )
    print("$ " + " ".join(command), flush=True)
    result = subprocess.run(command, check=False)
    if result.returncode != 0 or not out.is_file():
        raise InstallerError(f"makensis が失敗しました（終了コード {result.returncode}）。")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="NSIS でユーザー単位のインストーラーを作る")
    parser.add_argument("--build-dir", type=Path, required=True, help="dist/hyoka-desk")
    parser.add_argument("--out", type=Path, help="作るインストーラー（.exe）")
    parser.add_argument("--fast", action="store_true", help="zlib で速く圧縮する（CI 用）")
    parser.add_argument("--sign-command", help="署名コマンド（%%1 がファイル名になる）")
    args = parser.parse_args(argv)
    try:
        out = build_installer(
            args.build_dir, args.out, fast=args.fast, sign_command=args.sign_command
        )
    except InstallerError as exc:
        print(f"build_installer: エラー: {exc}", file=sys.stderr)
        return 1
    print(f"インストーラー: {out}（{out.stat().st_size / 2**20:.1f} MiB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
