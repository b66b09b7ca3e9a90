"""The evaluation file's own list of municipalities to compare with (比較する市町村を自分で選ぶ).

Kept apart from :mod:`desktop.store.evaluation_file` (which mixes it in), like
:mod:`desktop.store.effort_tables`: the whole list is replaced in one transaction with
one audit row (the old and new lists by name), and an unchanged list writes nothing.
"""

from __future__ import annotations

from desktop.records import ACTION_PEERS, Change, PeerChoice

PEERS_TARGET = "peers"


def _names(choices: list[PeerChoice]) -> str | None:
    return "、".join(c.display_name for c in choices) or None


class PeerTables:
    """Mixed into EvaluationFile: needs ``db``, ``query``, ``conn``, ``user``, ``transaction`` and the
    audited writes (``_record``)."""

    def peer_choices(self, evaluation_id: int) -> list[PeerChoice]:
        """The picked municipalities in 通し番号 order."""
        return [
            PeerChoice(row["serial"], row["prefecture"], row["name"])
            for row in self.query(
                "SELECT serial, prefecture, name FROM peer_choices WHERE evaluation_id = ? "
                "ORDER BY serial",
                [evaluation_id],
            )
        ]

    def set_peer_choices(
        self, evaluation_id: int, choices: list[PeerChoice], *, source: str | None, at: str
    ) -> list[Change]:
        """Replace the list (an empty list clears it) as one action."""
        with self.transaction():
            old = self.peer_choices(evaluation_id)
            if old == choices:
                return []
            self.conn.execute("DELETE FROM peer_choices WHERE evaluation_id = ?", [evaluation_id])
            if choices:
                self.db["peer_choices"].insert_all(
                    {
                        "evaluation_id": evaluation_id,
                        "serial": c.serial,
                        "prefecture": c.prefecture,
                        "name": c.name,
                        "updated_at": at,
                        "updated_by": self.user,
                    }
                    for c in choices
                )
            change = Change(ACTION_PEERS, PEERS_TARGET, "list", _names(old), _names(choices))
            return [self._record(evaluation_id, change, source=source, at=at)]
