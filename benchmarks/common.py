"""Shared helpers: statistics, child processes, an isolated user profile, machine facts."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
BENCH_USER = "ベンチマーク"
CHILD_TIMEOUT_S = 300
RESULT_PREFIX = "BENCH-RESULT "  # the line a child prints its figures on


# --- statistics ------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples = the 190th smallest)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float], digits: int = 3) -> dict:
    """Median, p95, min and max of samples, rounded; the sample count too."""
    return {
        "median": round(median(values), digits),
        "p95": round(percentile(values, 95), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "n": len(values),
    }


def time_call(function: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def repeat(function: Callable[[], object], runs: int) -> list[float]:
    return [time_call(function)[0] for _ in range(runs)]


def ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


# --- child processes -------------------------------------------------------------------------
def profile_env(workdir: Path) -> dict[str, str]:
    """Environment for a child: offscreen Qt and a user profile of its own in ``workdir``.

    QSettings (window layout, recent files) and the crash log go to the user's
    profile; a benchmark must neither read the developer's settings nor leave any.
    """
    home = Path(workdir) / "profile"
    for sub in ("config", "data", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # An installed app runs from compiled bytecode (pip compiles on install, PyInstaller
    # bundles .pyc). Some shells set PYTHONDONTWRITEBYTECODE, which would make every
    # measured start compile the app's sources again: let the warm-up run cache them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    absent = _modules_the_build_leaves_out(Path(workdir))
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "HYOKA_USER": BENCH_USER,
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT), str(absent), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    return env


# sqlite-utils and openpyxl import these when they are installed. The one-folder build
# leaves them out (packaging/bundle_rules.py), but a developer's Python may have them
# (numpy alone costs ≈ 130 ms at start-up): children see them as absent, as users do.
ABSENT_IN_THE_BUILD = ("numpy", "pandas")


def _modules_the_build_leaves_out(workdir: Path) -> Path:
    """A folder, first on the children's path, whose stand-ins refuse to import."""
    folder = workdir / "absent-in-build"
    for name in ABSENT_IN_THE_BUILD:
        package = folder / name
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text(
            f'raise ImportError("{name} is not part of the one-folder build")\n',
            encoding="utf-8",
        )
    return folder


def run_child(command: list[str], env: dict[str, str], *, timeout: float = CHILD_TIMEOUT_S) -> dict:
    """Run a child that prints ``BENCH-RESULT {json}``; returns that dict.

    A child that fails (or prints no result) raises RuntimeError with its stderr, so a
    broken measurement is never reported as a number.
    """
    completed = subprocess.run(
        command,
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(
        f"child {command[1:3]} exited {completed.returncode} without a result:\n"
        f"{completed.stderr[-3000:]}"
    )


def run_module(module: str, params: dict, env: dict[str, str], **kwargs) -> dict:
    """``python -m benchmarks.<module> --child '<params json>'`` in a fresh process."""
    command = [sys.executable, "-m", f"benchmarks.{module}", "--child", json.dumps(params)]
    return run_child(command, env, **kwargs)


def child_main(measure: Callable[..., dict]) -> None:
    """The ``--child`` entry point of a measurement module: params in argv, result on stdout."""
    if len(sys.argv) != 3 or sys.argv[1] != "--child":
        raise SystemExit(f"usage: python -m {measure.__module__} --child '<params json>'")
    result = measure(**json.loads(sys.argv[2]))
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)


def peak_rss_mb() -> float | None:
    """This process's peak resident set size in MB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows: psutil would be needed, which we do not depend on
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(peak / divisor, 1)


# --- the machine -------------------------------------------------------------------------------
def machine_info() -> dict:
    info = {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }
    try:
        import PySide6
        from PySide6 import QtCore

        info["pyside6"] = PySide6.__version__
        info["qt"] = QtCore.qVersion()
    except ImportError:
        info["pyside6"] = info["qt"] = None
    try:
        import openpyxl

        info["openpyxl"] = openpyxl.__version__
    except ImportError:
        info["openpyxl"] = None
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    from desktop import __version__

    info["app_version"] = __version__
    info["git_commit"] = _git_commit()
    return info


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() or None
