"""Python's cycle collector, paused while the window starts and then spared the start's objects.

Until the first evaluation is on screen, the collector would walk, several times over,
every object the start has made (Qt's and the app's modules and classes, the parsed
catalog: about 35,000), and find nothing to free (measured: none), about 2 ms before the
evaluation appears (benchmarks/README.md). So the window's start pauses it. Once the
evaluation is shown, the objects made so far, which live as long as the window, are moved
out of its reach (``gc.freeze``) and it runs again over the objects made from then on: the
collections that fall during the user's clicks walk fewer objects, too.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """No collection until :func:`resume` (the window's start)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Collect again, sparing the objects made so far; nothing if :func:`pause` did not pause."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
