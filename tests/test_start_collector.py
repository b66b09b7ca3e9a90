"""The cycle collector paused during the window's start and resumed once, sparing the start."""

from __future__ import annotations

import gc

import pytest

from desktop import start_collector


@pytest.fixture(autouse=True)
def collector_restored():
    was_enabled = gc.isenabled()
    yield
    start_collector.resume()
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_then_resumed_once_with_the_start_objects_spared():
    gc.enable()
    start_collector.pause()
    assert not gc.isenabled()
    made_during_start = [[] for _ in range(10)]
    start_collector.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made_during_start)
    gc.disable()
    start_collector.resume()  # a second call (another opening) changes nothing
    assert not gc.isenabled()


def test_resume_without_a_pause_leaves_the_collector_alone():
    gc.disable()  # someone else's choice (a test, a debugger)
    frozen = gc.get_freeze_count()
    start_collector.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen
