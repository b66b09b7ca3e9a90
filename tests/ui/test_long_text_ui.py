"""The window refuses a text over the one limit, with the limit in its message (issue 11).

Here rather than in tests/workbook: it needs Qt, which the Windows suite under Wine lacks.
"""

from __future__ import annotations

from desktop.text_limits import TEXT_LIMIT


def test_the_window_refuses_a_long_wording_with_the_limit(qtbot, session_r8):
    from desktop.ui.controller import EvaluationController

    controller = EvaluationController(session_r8)
    item = "suishin.I.process.features.b"
    with qtbot.waitSignal(controller.failed) as failed:
        assert controller.set_wording(item, "文" * (TEXT_LIMIT + 1)) is False
    assert f"小項目の文言は {TEXT_LIMIT}文字までにしてください" in str(failed.args[0])
    assert item not in session_r8.store.wordings(session_r8.evaluation_id)
