"""The application layer: one evaluation file open, and every read and write of it.

No Qt here, and the only package that imports :mod:`desktop.store`. The window, the
workbooks, the report and the command line reach an evaluation through
:class:`desktop.evaluation.document.Document` (the open file: lock, heartbeat,
backups, restore) and :class:`desktop.evaluation.session.Session` (the answers and records of
one fiscal year). Submodules are imported where they are needed, so that naming an
error type here stays cheap at start-up.
"""
