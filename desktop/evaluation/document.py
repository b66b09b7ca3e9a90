"""One evaluation file open in the application: opening, the lock, the heartbeat,
backups, restoring, and losing the lock. No Qt: the window drives a Document (its
timer calls :meth:`Document.heartbeat`), and the tests drive it directly.

The contract, which used to be a comment on the window:

- :meth:`Document.open` refuses a file it cannot use before writing to it. A file
  another person has open raises :class:`FileLocked`; the caller may then open it
  read-only, or take it over when the lock is stale (``takeover=True``).
- A writable document holds the file's lock until :meth:`close`. With
  ``check_later=True`` only the quick check runs while opening; the caller then runs
  :func:`verify_and_back_up` (the full integrity check and the opening backup) off
  the user's path and hands the result to :meth:`Document.opening_backup_made`.
- :meth:`heartbeat`, about once a minute, keeps the lock fresh and makes the hourly
  backup. When someone has taken the file over it reports ``lock_lost``: nothing can
  be saved any more, and the caller closes this document and reopens the file
  read-only (:meth:`reopen_read_only`).
- :meth:`restore` closes the document (the restore takes the lock itself), puts the
  backup back, and leaves the file closed for the caller to open again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store import backup as backups
from desktop.store.errors import StoreError
from desktop.store.evaluation_file import EvaluationFile, default_user
from desktop.store.restore import restore_backup

if TYPE_CHECKING:
    from desktop.catalog.model import Catalog
    from desktop.evaluation.session import Plan, Session
    from desktop.records import EvaluationRecord, Municipality

BackupInfo = backups.BackupInfo

__all__ = [
    "BackupInfo",
    "Document",
    "Heartbeat",
    "back_up",
    "backup_folder",
    "default_user",
    "list_backups",
    "restore",
    "verify_and_back_up",
]


@dataclass(frozen=True)
class Heartbeat:
    """What one heartbeat found: the lock lost, or a backup made (or not)."""

    lock_lost: bool = False
    backup: Path | None = None
    backup_error: StoreError | None = None


class Document:
    """An open evaluation file. ``store`` is the file itself; the layers above use a
    :class:`~desktop.evaluation.session.Session` from :meth:`session` for everything they read
    and write."""

    def __init__(self, store: EvaluationFile, path: Path):
        self.store = store
        self.path = path

    # --- opening and closing -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        user: str | None = None,
        read_only: bool = False,
        takeover: bool = False,
        check_later: bool = False,
        create: bool = True,
        backup_on_open: bool = True,
    ) -> Document:
        """Open (or create) an evaluation file; raises a StoreError the user can act on.

        ``check_later``: a writable file gets the quick check only, and no opening backup,
        because the caller runs :func:`verify_and_back_up` right afterwards.
        ``create=False`` refuses a missing or empty file instead of starting one.
        """
        path = Path(path)
        store = EvaluationFile.open(
            path,
            user=user,
            read_only=read_only,
            takeover=takeover,
            create=create,
            backup_on_open=backup_on_open and not check_later,
            full_check=read_only or not check_later,
        )
        return cls(store, path)

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def last_backup(self) -> Path | None:
        return self.store.last_backup

    def opening_backup_made(self, backup: Path) -> None:
        """The background check finished and made the opening backup."""
        self.store.last_backup = Path(backup)

    def prepare_writes(self) -> None:
        """Load what saving needs while the user reads, so that the first save is as quick
        as the others (opening only reads, and leaves it out to be on screen sooner)."""
        if not self.read_only:
            self.store.prepare_writes()

    def sweep_leftover_temporaries(self) -> list[Path]:
        """Delete our own temporary files that a killed save left beside the evaluation file
        (where outputs are suggested), at the start rather than at the next save there."""
        from desktop.safe_save import remove_stale_temporaries

        return remove_stale_temporaries(self.path.parent)

    def close(self) -> None:
        """Close the file; a writable document releases its lock (a lost one is left alone)."""
        self.store.close()

    # --- what is in the file ----------------------------------------------------------------
    def evaluations(self) -> list[EvaluationRecord]:
        return self.store.evaluations()

    def fiscal_years(self) -> set[int]:
        return {record.fiscal_year for record in self.store.evaluations()}

    def municipality(self) -> Municipality | None:
        return self.store.municipality()

    def session(self, fiscal_year: int | None = None) -> Session:
        """The evaluation of ``fiscal_year`` (the latest when None); NoEvaluation if none."""
        from desktop.evaluation.session import Session

        return Session.open(self.store, fiscal_year)

    def create_evaluation(self, catalog: Catalog, municipality: Municipality) -> Session:
        from desktop.evaluation.session import create_evaluation

        return create_evaluation(self.store, catalog, municipality=municipality)

    def start_evaluation(
        self, catalog: Catalog, plan: Plan, *, municipality: Municipality | None = None
    ) -> Session:
        """Create ``catalog``'s evaluation and write ``plan`` into it, as one action (starting
        from the national result is such a plan). A file that already holds evaluations is
        backed up first: a new year is a big change, as when carrying one forward."""
        from desktop.evaluation.session import create_evaluation

        if self.store.evaluations():
            self.store.backup("before-carry")  # listed as 前年度からの引継ぎの前
        with self.store.transaction():
            session = create_evaluation(self.store, catalog, municipality=municipality)
            session.apply(plan)
        return session

    def record_changes_as(self, user: str | None) -> None:
        """The name the change history records from now on (the computer's user when None)."""
        self.store.user = user or default_user()

    # --- carrying a year forward: plan first, then one action ---------------------------------
    def plan_carry(self, from_year: int | None = None, to_year: int | None = None):
        """What carrying ``from_year`` (the newest when None) into the next year would do."""
        from desktop.evaluation.carryover import plan_carry

        return plan_carry(self.store, from_year, to_year)

    def carry_forward(self, from_year: int | None = None, to_year: int | None = None):
        """Create the next year's evaluation from ``from_year``; returns (session, plan)."""
        from desktop.evaluation.carryover import carry_forward

        return carry_forward(self.store, from_year, to_year)

    # --- keeping the file safe ----------------------------------------------------------------
    def heartbeat(self) -> Heartbeat:
        """Keep the lock fresh and make the hourly backup; a read-only document does nothing."""
        if self.store.read_only:
            return Heartbeat()
        if not self.store.heartbeat():
            return Heartbeat(lock_lost=True)
        try:
            made = self.store.maybe_backup()
        except StoreError as exc:
            return Heartbeat(backup_error=exc)
        return Heartbeat(backup=made)

    def reopen_read_only(self, *, user: str | None = None) -> Document:
        """After the lock was lost: close this document and open the file to read it."""
        self.close()  # the lock is someone else's now: close() leaves it alone
        return Document.open(self.path, user=user, read_only=True)

    # --- backups ------------------------------------------------------------------------------
    def backups(self) -> list[BackupInfo]:
        return list_backups(self.path)

    def restore(self, backup: BackupInfo | Path, *, user: str | None = None) -> None:
        """Close the file and put ``backup`` back; the file stays closed for the caller to reopen.

        The present content is backed up first, so a restore can itself be undone.
        """
        self.close()
        restore(self.path, backup, user=user)


def restore(
    path: Path | str,
    backup: BackupInfo | Path,
    *,
    user: str | None = None,
    takeover: bool = False,
    other_municipality: bool = False,
) -> Path:
    """Put ``backup`` back into the (closed) file at ``path``; returns where the state
    before it was kept. Takes the file's lock for the time it works.

    A backup of another municipality's file raises OtherMunicipality unless
    ``other_municipality`` says the user confirmed it.
    """
    return restore_backup(
        path,
        getattr(backup, "path", backup),
        user=user,
        takeover=takeover,
        other_municipality=other_municipality,
    )


def backup_folder(path: Path | str) -> Path:
    """Where the backups of the file at ``path`` are kept."""
    return backups.backup_dir(path)


def back_up(path: Path | str, reason: str = "manual") -> Path:
    """A backup through a read-only connection: works while someone else has the file open."""
    return backups.backup_file(Path(path), reason)


def list_backups(path: Path | str) -> list[BackupInfo]:
    return backups.list_backups(path)


def verify_and_back_up(path: Path | str) -> Path:
    """The full integrity check and the opening backup, through a connection of its own.

    Safe to run on a worker thread; never copies a damaged file over the good backups.
    """
    return backups.backup_file(Path(path), "open")
