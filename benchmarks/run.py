"""Run every benchmark and print one JSON object (progress goes to stderr).

    python -m benchmarks [--quick] [--out FILE] [--with-build] [--build-executable PATH]
                         [--only NAME,NAME] [--workdir DIR] [--keep]
    python benchmarks/run.py …   (the same)

Every figure, the targets of issue 8 (met or not) and the machine (core count,
Python, Qt …) are in the object; ``--out`` also writes it to a file. ``--quick`` uses
fewer repetitions (under a minute on a 2-core machine) but keeps what the issue asks
for each figure (200 toggles, 40 workbooks). A measurement that fails is reported
as ``{"error": …}`` (never as a number) and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

if __package__ in (None, ""):  # python benchmarks/run.py: make the package importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import common

# Repetitions per mode; "toggles" and "sections" stay at what the issue asks in both.
SETTINGS = {
    "full": {
        "startup_runs": 15,
        "toggles": 500,
        "scoring_runs": 2000,
        "workbook_runs": 10,
        "large_runs": 10,
        "sections": 40,
        "national_runs": 3,
    },
    "quick": {
        "startup_runs": 3,
        "toggles": 200,
        "scoring_runs": 200,
        "workbook_runs": 2,
        "large_runs": 2,
        "sections": 40,
        "national_runs": 1,
    },
}
MEASUREMENTS = (
    "startup",
    "edit_latency",
    "full_scoring",
    "workbooks",
    "large_file",
    "merging",
    "memory",
    "hostile_workbook",
    "national",
)
# (name, where in the result, limit, unit): the targets of issues 8 and 14, all "at most".
TARGETS = (
    ("startup_ratio", ("startup", "first_paint", "ratio_first_paint"), 1.5, "×"),
    ("evaluation_shown_ratio", ("startup", "first_paint", "ratio_evaluation_shown"), 2.0, "×"),
    ("edit_to_totals_median_ms", ("edit_latency", "to_painted_ms", "median"), 16, "ms"),
    ("edit_to_totals_p95_ms", ("edit_latency", "to_painted_ms", "p95"), 25, "ms"),
    ("export_s", ("workbooks", "export_s"), 1.0, "s"),
    ("report_pdf_s", ("workbooks", "report_pdf_s"), 2.0, "s"),
    ("large_file_open_ratio", ("large_file", "ratio"), 2.0, "×"),
    ("peak_rss_mb", ("memory", "peak_rss_mb"), 250, "MB"),
    # issue 11: any workbook within the size limits is accepted or refused in 5 s, 300 MB
    ("hostile_workbook_s", ("hostile_workbook", "max_s"), 5.0, "s"),
    ("hostile_workbook_peak_rss_mb", ("hostile_workbook", "max_peak_rss_mb"), 300, "MB"),
    # issue 13: the national results workbook, 1,800 × 1,563
    ("national_read_check_s", ("national", "read_check_s", "median"), 3.0, "s"),
    ("national_store_s", ("national", "store_s", "median"), 1.0, "s"),
    ("national_peak_rss_mb", ("national", "peak_rss_mb"), 300, "MB"),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 60 s)")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument(
        "--with-build",
        action="store_true",
        help="build dist/hyoka-desk with PyInstaller first when it is missing",
    )
    parser.add_argument("--build-executable", type=Path, help="the built hyoka-desk to time")
    parser.add_argument(
        "--only", help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}", default=""
    )
    parser.add_argument("--workdir", type=Path, help="where fixture files go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(MEASUREMENTS))
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(unknown)}")
    args.measurements = chosen or list(MEASUREMENTS)
    return args


def log(message: str) -> None:
    print(f"[benchmarks] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    settings = SETTINGS[mode]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hyoka-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    machine = common.machine_info()
    result: dict = {
        "mode": mode,
        "settings": settings,
        "cpu_count": machine["cpu_count"],
        "machine": machine,
    }
    try:
        files = build_fixtures(workdir, result, need_large=_needs_large(args.measurements))
        for name in args.measurements:
            log(f"{name} …")
            begun = time.perf_counter()
            try:
                result[name] = run_measurement(name, files, workdir, settings, args)
            except Exception as exc:  # one broken measurement must not hide the others
                result[name] = {"error": f"{type(exc).__name__}: {exc}"}
                traceback.print_exc(file=sys.stderr)
            log(f"{name} done in {time.perf_counter() - begun:.1f} s")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result["targets"] = evaluate_targets(result)
    result["wall_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    failed = [name for name in args.measurements if "error" in result.get(name, {})]
    return 1 if failed else 0


def _needs_large(measurements: list[str]) -> bool:
    return any(name in ("large_file", "memory") for name in measurements)


def build_fixtures(workdir: Path, result: dict, *, need_large: bool) -> dict[str, Path]:
    from benchmarks import fixtures

    log("building fixture files …")
    files = {"half": workdir / "half-answered-r8.sqlite"}
    begun = time.perf_counter()
    fixtures.make_half_answered(files["half"])
    facts = {"half_answered_s": round(time.perf_counter() - begun, 3)}
    if need_large:
        files["large"] = workdir / "large-10-years.sqlite"
        begun = time.perf_counter()
        facts["large"] = fixtures.make_large_file(files["large"])
        facts["large_s"] = round(time.perf_counter() - begun, 3)
    result["fixtures"] = facts
    return files


def copy_of(source: Path, workdir: Path, name: str) -> Path:
    """A fresh copy for one measurement (its writes and backups stay its own)."""
    target = workdir / name
    shutil.copyfile(source, target)
    return target


def run_measurement(name: str, files: dict[str, Path], workdir: Path, settings: dict, args) -> dict:
    env = common.profile_env(workdir)
    half = files["half"]
    if name == "startup":
        from benchmarks import startup

        return startup.measure(
            str(copy_of(half, workdir, "startup.sqlite")),
            str(workdir),
            runs=settings["startup_runs"],
            with_build=args.with_build,
            build_executable=str(args.build_executable) if args.build_executable else None,
        )
    if name == "edit_latency":
        params = {
            "db": str(copy_of(half, workdir, "edit.sqlite")),
            "workdir": str(workdir),
            "toggles": settings["toggles"],
        }
        return common.run_module("edit_latency", params, env)
    if name == "full_scoring":
        return common.run_module("full_scoring", {"runs": settings["scoring_runs"]}, env)
    if name == "workbooks":
        params = {"db": str(half), "workdir": str(workdir), "runs": settings["workbook_runs"]}
        return common.run_module("workbooks", params, env)
    if name == "large_file":
        from benchmarks import large_file

        return large_file.measure(
            str(half), str(files["large"]), str(workdir), runs=settings["large_runs"]
        )
    if name == "merging":
        params = {"db": str(half), "workdir": str(workdir), "sections": settings["sections"]}
        return common.run_module("merging", params, env)
    if name == "memory":
        from benchmarks import memory

        return memory.measure(
            str(copy_of(half, workdir, "memory-small.sqlite")),
            str(copy_of(files["large"], workdir, "memory-large.sqlite")),
            str(workdir),
        )
    if name == "hostile_workbook":
        from benchmarks import hostile_workbook

        return hostile_workbook.measure(str(half), str(workdir))
    if name == "national":
        from benchmarks import national

        return national.measure(str(workdir), settings["national_runs"], env)
    raise ValueError(name)


def evaluate_targets(result: dict) -> dict:
    targets = {}
    for name, path, limit, unit in TARGETS:
        value = result
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        targets[name] = {
            "value": value,
            "limit": limit,
            "unit": unit,
            "met": None if value is None else value <= limit,
        }
    return targets


if __name__ == "__main__":
    sys.exit(main())
