"""Start-up: process start → first painted main window, against a bare PySide6 window.

Two ways, each run in fresh processes, alternating app and bare so that both see the
same machine noise; one warm-up run of each first (not counted), so the OS file cache
and the user's saved window layout are those of a returning user:

* **first paint** (source install): ``launch_app.py`` runs the app's real start-up path
  and notes the first paint of the main window and the moment the evaluation is on
  screen; ``launch_bare.py`` notes the first paint of a plain QMainWindow.
  ``ratio = app / bare`` (medians).
* **screenshot** (source install and one-folder build): process start → exit of
  ``hyoka-desk --db FILE --screenshot OUT`` (opens the file, shows the window, grabs
  it, saves a PNG, exits), against ``launch_bare.py --screenshot`` doing the same
  with a bare window. The built program cannot load a probe, so this is the measure
  the build and the source share.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import BENCH_DIR, REPO_ROOT, median, profile_env, ratio, run_child

BUILD_EXECUTABLE = REPO_ROOT / "dist" / "hyoka-desk" / "hyoka-desk"
BUILD_TIMEOUT_S = 1800


def _timed_probe(command: list[str], env: dict[str, str]) -> dict:
    env = dict(env, HYOKA_BENCH_T0=repr(time.perf_counter()))
    return run_child(command, env, timeout=180)


def _timed_exit(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``command`` to its exit; a failure raises."""
    start = time.perf_counter()
    completed = subprocess.run(
        command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=180
    )
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(
            f"{command[0]} exited {completed.returncode}: {completed.stderr[-2000:]}"
        )
    return seconds


def measure_first_paint(db: Path, workdir: Path, runs: int) -> dict:
    env = profile_env(workdir)
    app = [sys.executable, str(BENCH_DIR / "launch_app.py"), "--db", str(db)]
    bare = [sys.executable, str(BENCH_DIR / "launch_bare.py")]
    _timed_probe(app, env)  # warm-up: file cache, saved layout
    _timed_probe(bare, env)
    app_runs, bare_runs = [], []
    for _ in range(runs):
        bare_runs.append(_timed_probe(bare, env))
        app_runs.append(_timed_probe(app, env))
    first = median([r["first_paint"] for r in app_runs])
    shown = median([r["evaluation_shown"] for r in app_runs])
    floor = median([r["first_paint"] for r in bare_runs])
    return {
        "runs": runs,
        "app_first_paint_s": round(first, 4),
        "app_evaluation_shown_s": round(shown, 4),
        "bare_first_paint_s": round(floor, 4),
        "ratio_first_paint": ratio(first, floor),
        "ratio_evaluation_shown": ratio(shown, floor),
        "app_peak_rss_mb": median([r["peak_rss_mb"] for r in app_runs if r.get("peak_rss_mb")])
        if any(r.get("peak_rss_mb") for r in app_runs)
        else None,
    }


def find_build(build_executable: Path | None = None) -> Path | None:
    path = Path(build_executable) if build_executable else BUILD_EXECUTABLE
    if os.name == "nt" and path.suffix.lower() != ".exe":
        path = path.with_suffix(".exe")
    return path if path.is_file() else None


def make_build(workdir: Path) -> Path:
    """``pyinstaller build.spec`` into ``dist/`` (as .ci/run does, work files in ``workdir``)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(REPO_ROOT / "dist"),
            "--workpath",
            str(Path(workdir) / "pyinstaller-work"),
            "build.spec",
        ],
        cwd=REPO_ROOT,
        check=True,
        timeout=BUILD_TIMEOUT_S,
    )
    built = find_build()
    if built is None:
        raise RuntimeError(f"PyInstaller finished but {BUILD_EXECUTABLE} is missing")
    return built


def measure_screenshot(
    db: Path, workdir: Path, runs: int, build: Path | None, build_note: str | None
) -> dict:
    env = profile_env(workdir)
    shots = Path(workdir) / "shots"
    shots.mkdir(exist_ok=True)
    commands = {
        "bare": [sys.executable, str(BENCH_DIR / "launch_bare.py"), "--screenshot"],
        "source": [sys.executable, "-m", "desktop", "--db", str(db), "--screenshot"],
    }
    if build is not None:
        commands["build"] = [str(build), "--db", str(db), "--screenshot"]
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm-up
        _timed_exit([*command, str(shots / f"warm-{name}.png")], env)
    for number in range(runs):
        for name, command in commands.items():
            samples[name].append(_timed_exit([*command, str(shots / f"{name}-{number}.png")], env))
    medians = {name: round(median(values), 4) for name, values in samples.items()}
    result = {
        "runs": runs,
        "bare_s": medians["bare"],
        "source_s": medians["source"],
        "source_ratio": ratio(medians["source"], medians["bare"]),
        "build_s": medians.get("build"),
        "build_ratio": ratio(medians.get("build"), medians["bare"]),
        "build_path": str(build) if build is not None else None,
    }
    if build is None:
        result["build_note"] = build_note
    return result


def measure(
    db: str,
    workdir: str,
    runs: int = 10,
    with_build: bool = False,
    build_executable: str | None = None,
) -> dict:
    db_path, work = Path(db), Path(workdir)
    build = find_build(Path(build_executable) if build_executable else None)
    note = None
    if build is None and with_build:
        try:
            build = make_build(work)
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            note = f"build failed: {exc}"
    elif build is None:
        note = (
            f"no one-folder build at {build_executable or BUILD_EXECUTABLE}: "
            "run with --with-build (pyinstaller build.spec) or pass --build-executable"
        )
    return {
        "first_paint": measure_first_paint(db_path, work, runs),
        "screenshot": measure_screenshot(db_path, work, runs, build, note),
    }
