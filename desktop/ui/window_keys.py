"""The main window's keyboard navigation: find, next unanswered, next indicator, panes.

A mixin of :class:`desktop.ui.main_window.MainWindow` (one job per module).
"""

from __future__ import annotations

from PySide6.QtCore import Qt


class KeyboardNavigation:
    """Needs: controller, navigation, panel, dashboard, tree_model, jump_to, statusBar."""

    def focus_search(self) -> None:
        if self.navigation is not None:
            self.navigation.focus_search()

    def focus_dashboard(self) -> None:
        if self.dashboard is not None:
            self.dashboard.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def clear_filters(self) -> None:
        if self.navigation is not None:
            self.navigation.clear_filters()

    def switch_pane(self) -> None:
        if self.panel is None:
            return
        if self.panel.isAncestorOf(self.focusWidget()):
            self.navigation.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.panel.focus_first_row()

    def answer_targets(self) -> list[tuple[str, str, bool]]:
        """(indicator, target, unanswered) for every self-assessed target, in screen order.

        State-scored sub-items are left out: the state scores them and an estimate is
        optional, so they are never "unanswered" work for the user.
        """
        if self.controller is None:
            return []
        tree = self.controller.tree
        targets = []
        for indicator_id in self.tree_model.indicator_ids():
            for item in tree.node(indicator_id).children:
                if item.state_scored:
                    continue
                if item.parts:
                    for part in item.parts:
                        targets.append((indicator_id, part["id"], part["answer"] is None))
                else:
                    targets.append((indicator_id, item.id, item.answer is None))
        return targets

    def _current_target(self) -> str | None:
        """The sub-item (or all-of part) whose row has the keyboard focus."""
        if self.panel is None:
            return None
        focus = self.focusWidget()
        for row in self.panel.rows:
            if row is focus or row.isAncestorOf(focus):
                return row.target()
        return None

    def next_unanswered(self, direction: int = 1) -> bool:
        """Move to the next (or previous) sub-item without an answer, wrapping around."""
        targets = self.answer_targets()
        if not targets:
            return False
        ids = [target for _indicator, target, _open in targets]
        current = self._current_target()
        indicator = self.current_indicator_id()
        if current in ids:
            position = ids.index(current)
        elif indicator is not None:
            inside = [i for i, t in enumerate(targets) if t[0] == indicator]
            # start just before (or after) the shown indicator, so that it is searched first
            position = (inside[0] - 1 if direction > 0 else inside[-1] + 1) if inside else -1
        else:
            position = -1
        count = len(targets)
        for step in range(1, count + 1):
            _indicator, target, unanswered = targets[(position + step * direction) % count]
            if unanswered:
                return self.jump_to(target)
        self.statusBar().showMessage("未回答の小項目はありません")
        return False

    def next_indicator(self, direction: int = 1) -> bool:
        if self.controller is None:
            return False
        ids = self.tree_model.indicator_ids()
        current = self.current_indicator_id()
        position = ids.index(current) + direction if current in ids else 0
        position = min(max(position, 0), len(ids) - 1)
        self.navigation.select(ids[position])
        self.panel.focus_first_open_row()
        return True

    def past_last_item(self) -> None:
        """↓ or Enter on the last sub-item: the next indicator, or a quiet stop at the end."""
        ids = self.tree_model.indicator_ids() if self.controller is not None else []
        if ids and self.current_indicator_id() == ids[-1]:
            self.statusBar().showMessage("最後の評価指標です（F3 で次の未回答へ）", 5000)
            return
        self.next_indicator(+1)
