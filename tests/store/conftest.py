"""Helpers for the store tests: file fingerprints, past-version fixtures, driver processes.

The tests run with ``--import-mode=importlib``, so helpers are handed out as fixtures
rather than imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "store_driver.py"
FIXTURES = HERE.parent / "fixtures"
SIDECAR_SUFFIXES = ("-journal", "-wal", "-shm", ".lock", ".backups")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sidecars(path: Path) -> list[str]:
    """Files SQLite or the store would leave beside ``path`` (journal, lock, backups)."""
    path = Path(path)
    return sorted(
        path.name + suffix
        for suffix in SIDECAR_SUFFIXES
        if path.with_name(path.name + suffix).exists()
    )


@pytest.fixture
def fingerprint():
    """``fingerprint(path)``: the file's hash and the files beside it, to prove nothing changed."""

    def take(path: Path) -> tuple[str, list[str]]:
        return sha256(path), sidecars(path)

    return take


@pytest.fixture(scope="session")
def fixture_spec():
    """tests/fixtures/make_fixtures.py as a module (what the fixture files contain)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def old_file(tmp_path):
    """``old_file(version)``: a copy of the committed fixture of that schema version."""

    def copy(version: int, name: str | None = None) -> Path:
        source = FIXTURES / f"schema-v{version}.sqlite"
        assert source.is_file(), f"{source} がありません（make_fixtures.py で作る）"
        target = tmp_path / (name or f"旧形式{version}.sqlite")
        shutil.copyfile(source, target)
        return target

    return copy


class Driver:
    """A store_driver.py process whose output lines are read with a timeout."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    @property
    def pid(self) -> int:
        return self.process.pid

    def next_line(self, timeout: float = 30.0) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            pytest.fail(f"driver gave no output within {timeout} s")
        if line is None:
            self.process.wait(timeout=10)
            pytest.fail(
                f"driver ended (exit {self.process.returncode}): {self.process.stderr.read()}"
            )
        return line

    def expect(self, prefix: str, timeout: float = 30.0) -> str:
        """Read lines until one starts with ``prefix``; return it."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.1, deadline - time.monotonic()))
            if line.startswith(prefix):
                return line

    def remaining_lines(self, timeout: float = 30.0) -> list[str]:
        """After the process ended: every line it wrote that was not read yet."""
        self.process.wait(timeout=timeout)
        lines = []
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                return lines
            lines.append(line)

    def kill(self) -> None:
        """SIGKILL on POSIX (TerminateProcess on Windows): no clean-up runs in the driver."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def quit(self) -> int:
        """Ask a holding driver to close its store normally."""
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        return self.process.wait(timeout=30)

    def close(self) -> None:
        self.kill()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@pytest.fixture
def driver():
    """``driver(*args, user=...)`` starts store_driver.py; every driver is killed at the end."""
    started: list[Driver] = []

    def start(*args: str, user: str = "別の担当", env: dict | None = None) -> Driver:
        environment = dict(os.environ)
        environment["HYOKA_USER"] = user
        environment["PYTHONIOENCODING"] = "utf-8"
        # The driver imports desktop from this tree (it is not installed; a mutation run
        # works on a copy of the tree and must find that copy, not another one).
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(HERE.parent.parent), *filter(None, [environment.get("PYTHONPATH")])]
        )
        environment.update(env or {})
        process = Driver([str(a) for a in args], environment)
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


@pytest.fixture
def evaluation_file(db_path, r8):
    """``evaluation_file()``: a closed R8 evaluation file at ``db_path`` with a few answers."""
    from desktop.evaluation.session import create_evaluation
    from desktop.records import Municipality
    from desktop.store import EvaluationFile

    def make(answers: dict[str, str] | None = None) -> Path:
        with EvaluationFile.open(db_path) as store:
            session = create_evaluation(
                store, r8, municipality=Municipality(name="北塩原村", code="073059")
            )
            session.set_answers(
                answers
                if answers is not None
                else {
                    "suishin.I.process.features.a": "該当",
                    "suishin.I.process.features.b": "非該当",
                }
            )
        return db_path

    return make
