"""Benchmarks: speed, memory and scale the way users feel them (issue 8).

``python -m benchmarks`` (or ``python benchmarks/run.py``) runs every measurement and
prints one JSON object; ``--quick`` runs fewer repetitions. Each measurement lives in
its own module with a ``measure(...)`` function returning a dict of figures; the ones
that must start from a clean process (start-up, the large file, memory) run the app
in child processes. Nothing here asserts a time: the figures are read and compared
(see ``benchmarks/README.md``).

This package is not shipped with the app and imports no Qt at module level, so that
the runner itself stays light.
"""
