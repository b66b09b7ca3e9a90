"""Mutation run for one package or module: how many deliberate bugs do its tests catch?

    python -m tools.mutation desktop/scoring                 # from the repository root
    python /path/to/tools/mutation.py desktop/store/lock.py  # from any checkout of the project

The run uses mutmut 3 (``pip install ".[mutation]"``). mutmut loads the tests once,
forks a worker per mutant and, from a first traced run, knows which tests reach each
mutated function, so a mutant runs only those tests: a package takes minutes on two
cores. It writes its trampolined copy into ``mutants/`` next to the sources; to keep
the checkout clean (and let several checkouts share this one script) the run happens
in a scratch copy under the temporary directory, made fresh every time.

Each target may have a settings file, ``tools/mutation_targets/<dotted target>.toml``
in the checkout being tested (e.g. ``desktop.scoring.toml``), saying which tests to
use (default ``tests/<package>`` for ``desktop/<package>``), which to leave out (a
pytest ``-k`` expression, with the reason) and which mutants are known to be
equivalent (a mutation that changes nothing observable), each with the reason; those
are left out of the score. An entry names the file, the function and the original and
mutated line exactly as the report prints them (``mutant`` may be a list of such lines;
an optional ``near`` is text that must appear next to the change, for a line that occurs
twice in one function):

    tests = ["tests/scoring"]
    skip = "test_properties"                # a pytest -k expression
    skip_reason = "why these tests are left out"
    pytest_args = ["-m", "not slow"]        # optional: more pytest options

    [[equivalent]]
    file = "desktop/scoring/tree.py"
    function = "ScoreNode.to_dict"
    original = 'if self.reason:'
    mutant = 'if not self.reason:'
    reason = "why no caller can tell the difference"

Hypothesis runs with a fixed seed, so two runs of the same code give the same score.

Not part of CI: it is a measuring tool, run by hand before and after work on tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# What the tests need besides the sources and themselves.
COPIED = ("desktop", "tests", "catalogs", "resources", "pyproject.toml")
TARGETS_DIR = Path("tools") / "mutation_targets"
CAUGHT = {"killed", "timeout", "segfault", "caught by type check"}


@dataclass
class Mutant:
    name: str  # mutmut's key, e.g. desktop.scoring.engine.xǁ_Scorerǁaggregate__mutmut_3
    file: str
    status: str
    function: str = ""
    diff: str = ""
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    equivalent_reason: str | None = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.mutation",
        description="Mutation score of one package or module (mutmut, in a scratch copy).",
    )
    parser.add_argument("target", help="desktop/scoring, desktop/store/lock.py, … (or dotted)")
    parser.add_argument(
        "--repo", type=Path, default=Path.cwd(), help="checkout to test (default: .)"
    )
    parser.add_argument("--tests", nargs="+", help="test paths to use (default: tests/<package>)")
    parser.add_argument("--skip", help="pytest -k expression of tests to leave out")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--settings",
        type=Path,
        help="target settings file (default: tools/mutation_targets/<target>.toml)",
    )
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: in the temp dir)")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="report the last run again (e.g. after editing the equivalent mutants)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--fail-under", type=float, help="exit 1 when the score is below this %%")
    args = parser.parse_args(argv)

    if importlib.util.find_spec("mutmut") is None:
        parser.error('mutmut is not installed: python -m pip install ".[mutation]"')
    repo = args.repo.resolve()
    if not (repo / "desktop").is_dir() or not (repo / "pyproject.toml").is_file():
        parser.error(f"{repo} is not a checkout of the project (no desktop/ or pyproject.toml)")
    target = normalize_target(repo, args.target)
    settings_file = args.settings or repo / TARGETS_DIR / f"{dotted(target)}.toml"
    settings = load_settings(settings_file) if settings_file.is_file() else {}
    tests = args.tests or settings.get("tests") or [default_tests(repo, target)]
    skip = args.skip if args.skip is not None else settings.get("skip", "")
    # e.g. ["-m", "not slow"]: more pytest options that narrow the tests used
    selection_args = [str(arg) for arg in settings.get("pytest_args", [])]
    workdir = (args.workdir or scratch_dir(repo, target)).resolve()

    if args.report_only:
        if not (workdir / "mutants").is_dir():
            parser.error(f"no earlier run in {workdir}")
    else:
        prepare(repo, workdir, target, tests, skip, selection_args)
        left_out = f", leaving out -k '{skip}'" if skip else ""
        print(
            f"mutating {target} with {' '.join(tests)}{left_out} in {workdir} ({args.jobs} jobs)",
            flush=True,
        )
        log = workdir / "mutmut.log"
        rc = run_mutmut(workdir, args.jobs, log)
        if rc != 0:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            print(f"mutmut failed (exit {rc}); full log: {log}", file=sys.stderr)
            return 2

    mutants = collect(workdir)
    unused = mark_equivalents(mutants, settings.get("equivalent", []))
    score = report(target, mutants, unused)
    if args.json:
        args.json.write_text(
            json.dumps(as_json(target, tests, mutants, score), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    if args.fail_under is not None and score < args.fail_under:
        return 1
    return 0


# --- set-up ------------------------------------------------------------------------
def normalize_target(repo: Path, raw: str) -> str:
    text = raw.strip().rstrip("/")
    if not text.endswith(".py") and "/" not in text and "." in text:
        text = text.replace(".", "/")  # dotted module or package
        if (repo / f"{text}.py").is_file():
            text += ".py"
    path = repo / text
    if not path.exists():
        raise SystemExit(f"no such package or module: {repo / text}")
    if path.is_file() and path.suffix != ".py":
        raise SystemExit(f"not a Python module: {text}")
    return path.relative_to(repo).as_posix()


def dotted(target: str) -> str:
    return target.removesuffix(".py").replace("/", ".")


def default_tests(repo: Path, target: str) -> str:
    """tests/<package> for desktop/<package>[/module.py]; the whole suite if there is none."""
    parts = Path(target).parts
    if len(parts) >= 2:
        package = Path(parts[1]).stem
        if (repo / "tests" / package).is_dir():
            return f"tests/{package}"
    return "tests"


def scratch_dir(repo: Path, target: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{repo.name}-{target}").strip("-")
    return Path(tempfile.gettempdir()) / "hyoka-mutation" / slug


def prepare(
    repo: Path, workdir: Path, target: str, tests: list[str], skip: str, selection_args: list[str]
) -> None:
    """A fresh copy of what the tests need, with the mutmut settings for this target."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "mutants")
    for name in COPIED:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, workdir / name)
    only = f"{target}/*" if (repo / target).is_dir() else target
    settings = {
        "source_paths": ["desktop"],
        "only_mutate": [only],
        "also_copy": ["catalogs", "resources"],
        # --hypothesis-seed: property tests draw the same examples on every run.
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q", "--hypothesis-seed=0"],
        # Tests left out of the first traced run are never linked to a mutant, so never run.
        "pytest_add_cli_args_test_selection": [
            *tests,
            *(["-k", f"not ({skip})"] if skip else []),
            *selection_args,
        ],
        "use_git_change_detection": False,
    }
    pyproject = workdir / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "[tool.mutmut]" in text:
        raise SystemExit("pyproject.toml already has [tool.mutmut]; this runner writes its own")
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    pyproject.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


def run_mutmut(workdir: Path, jobs: int, log: Path) -> int:
    env = dict(os.environ)
    # The scratch copy must import its own (mutated) sources, never the checkout's.
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [
        sys.executable,
        "-c",
        "from mutmut.__main__ import cli; cli()",
        "run",
        "--max-children",
        str(jobs),
    ]
    with log.open("w", encoding="utf-8") as out:
        return subprocess.run(
            command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode


# --- results -----------------------------------------------------------------------
def collect(workdir: Path) -> list[Mutant]:
    """Every mutant with its status and diff, read through mutmut's own helpers."""
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        from mutmut.mutation.diff_apply import get_diff_for_mutant
        from mutmut.stats import status_by_exit_code

        mutants = []
        for meta in sorted(Path("mutants").rglob("*.py.meta")):
            source = meta.relative_to("mutants").as_posix()[: -len(".meta")]
            data = json.loads(meta.read_text(encoding="utf-8"))
            for name, code in data["exit_code_by_key"].items():
                mutant = Mutant(
                    name=name,
                    file=source,
                    status=status_by_exit_code[code],
                    function=function_of(name),
                )
                if mutant.status not in CAUGHT:
                    mutant.diff = get_diff_for_mutant(name, path=source)
                    mutant.removed, mutant.added = changed_lines(mutant.diff)
                mutants.append(mutant)
        return mutants
    finally:
        os.chdir(previous)


def function_of(name: str) -> str:
    """desktop.x.engine.xǁ_Scorerǁaggregate__mutmut_3 → _Scorer.aggregate; x_score__… → score."""
    local = re.sub(r"__mutmut_\d+$", "", name).rsplit(".", 1)[-1]
    if local.startswith("xǁ"):
        return ".".join(local[2:].split("ǁ", 1))
    return local[2:] if local.startswith("x_") else local


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    removed = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    return removed, added


def load_settings(path: Path) -> dict:
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    for entry in settings.get("equivalent", []):
        missing = {"file", "function", "original", "mutant", "reason"} - entry.keys()
        if missing:
            raise SystemExit(f"{path}: an equivalent mutant lacks {', '.join(sorted(missing))}")
    if settings.get("skip") and not settings.get("skip_reason"):
        raise SystemExit(f"{path}: say in skip_reason why tests are left out")
    return settings


def mark_equivalents(mutants: list[Mutant], equivalents: list[dict]) -> list[dict]:
    """Tag surviving mutants that an entry describes; return the entries that matched none."""
    used = set()
    for mutant in mutants:
        if mutant.status in CAUGHT:
            continue
        for index, entry in enumerate(equivalents):
            variants = entry["mutant"] if isinstance(entry["mutant"], list) else [entry["mutant"]]
            if (
                entry["file"] == mutant.file
                and entry["function"] == mutant.function
                and entry["original"].strip() in mutant.removed
                and any(variant.strip() in mutant.added for variant in variants)
                and entry.get("near", "") in mutant.diff
            ):
                mutant.equivalent_reason = entry["reason"]
                used.add(index)
                break
    return [entry for index, entry in enumerate(equivalents) if index not in used]


def tally(mutants: list[Mutant]) -> tuple[int, int]:
    counted = [m for m in mutants if m.equivalent_reason is None and m.status != "skipped"]
    return sum(m.status in CAUGHT for m in counted), len(counted)


def percent(caught: int, counted: int) -> float:
    return 100.0 * caught / counted if counted else 100.0


def report(target: str, mutants: list[Mutant], unused: list[dict]) -> float:
    survivors = [m for m in mutants if m.status not in CAUGHT and m.equivalent_reason is None]
    for mutant in survivors:
        print(f"\n--- {mutant.status}: {mutant.file} {mutant.function} ({mutant.name})")
        for line in mutant.removed:
            print(f"  - {line}")
        for line in mutant.added:
            print(f"  + {line}")
    if unused:
        print("\nequivalent-mutant entries that matched no surviving mutant (stale?):")
        for entry in unused:
            print(
                f"  {entry['file']} {entry['function']}: {entry['original']!r} → {entry['mutant']!r}"
            )

    print(f"\n{'file':<40} {'mutants':>8} {'equiv.':>7} {'caught':>7} {'score':>7}")
    for source in sorted({m.file for m in mutants}):
        mine = [m for m in mutants if m.file == source]
        caught, counted = tally(mine)
        equivalent = sum(m.equivalent_reason is not None for m in mine)
        print(
            f"{source:<40} {len(mine):>8} {equivalent:>7} {caught:>7} "
            f"{percent(caught, counted):>6.1f}%"
        )
    caught, counted = tally(mutants)
    score = percent(caught, counted)
    by_status: dict[str, int] = {}
    for mutant in survivors:
        by_status[mutant.status] = by_status.get(mutant.status, 0) + 1
    not_caught = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "none"
    print(
        f"\n{target}: {score:.1f}% ({caught} of {counted} caught; "
        f"{len(mutants) - counted} equivalent or skipped; not caught: {not_caught})"
    )
    return score


def as_json(target: str, tests: list[str], mutants: list[Mutant], score: float) -> dict:
    caught, counted = tally(mutants)
    return {
        "target": target,
        "tests": tests,
        "score_pct": round(score, 1),
        "caught": caught,
        "counted": counted,
        "mutants": [
            {
                "name": m.name,
                "file": m.file,
                "function": m.function,
                "status": m.status,
                "removed": m.removed,
                "added": m.added,
                "equivalent_reason": m.equivalent_reason,
            }
            for m in mutants
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
