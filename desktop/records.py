"""Shared vocabulary: the plain records read from and written to an evaluation, and the
status and audit-action constants. No Qt, no store: any layer may import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.formats import NamedFiscalYear

STATUS_NOT_STARTED = "未着手"
STATUS_IN_PROGRESS = "入力中"
STATUS_REVIEW = "確認待ち"
STATUS_FINAL = "確定"
INDICATOR_STATUSES = (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_REVIEW, STATUS_FINAL)

NOTE_FIELDS = ("memo", "evidence", "section", "assignee", "status")
NOTE_FIELD_LABELS = {
    "memo": "備考",
    "evidence": "根拠資料",
    "section": "担当課",
    "assignee": "担当者",
    "status": "状況",
}

# Audit actions (stored; shown through ACTION_LABELS).
ACTION_ANSWER = "answer"
ACTION_NOTE = "note"
ACTION_PLANNED_RESPONSE = "planned_response"
ACTION_WORDING = "wording"
ACTION_MUNICIPALITY = "municipality"
ACTION_CREATE = "create_evaluation"
ACTION_UPGRADE = "upgrade_catalog"
ACTION_ATTACH = "attachment"
ACTION_OFFICIAL = "official_result"
ACTION_CONFIRM = "confirm_carried"
ACTION_RESTORE = "restore"
ACTION_ITEM_TEXT = "item_text"
ACTION_WAIVER = "prerequisite_waiver"
ACTION_EFFORT = "gap_effort"
ACTION_PEERS = "peer_choices"
ACTION_LABELS = {
    ACTION_ANSWER: "回答",
    ACTION_NOTE: "指標の記録",
    ACTION_PLANNED_RESPONSE: "今後の対応",
    ACTION_WORDING: "小項目の文言",
    ACTION_MUNICIPALITY: "市町村情報",
    ACTION_CREATE: "評価の作成",
    ACTION_UPGRADE: "評価指標の更新",
    ACTION_ATTACH: "根拠資料の添付",
    ACTION_OFFICIAL: "国による評価結果",
    ACTION_CONFIRM: "引継ぎの確認",
    ACTION_RESTORE: "バックアップから復元",
    ACTION_ITEM_TEXT: "公式文言（貼り付け・文言集）",
    ACTION_WAIVER: "前提条件の適用",
    ACTION_EFFORT: "伸びしろの実現性",
    ACTION_PEERS: "比較する市町村（自分で選んだもの）",
}

# Where an evaluation's copy of an official sub-item text came from (item_texts.source).
TEXT_PASTED = "pasted"  # 公式文言（貼り付け）: pasted or read from the ministry's PDF
TEXT_PACK = "pack"  # 文言集: imported from a wording workbook

# The effort mark on a 伸びしろ row (gap_efforts.effort): how hard meeting the item would be.
EFFORT_EASY = "容易"
EFFORT_ADJUST = "要調整"
EFFORT_IMPOSSIBLE = "不可"
EFFORTS = (EFFORT_EASY, EFFORT_ADJUST, EFFORT_IMPOSSIBLE)
EFFORT_UNSET = "未設定"  # shown for a row nobody has marked (never stored)


def default_effort(state_scored: bool) -> str | None:
    """The mark a row has until the user sets one.

    The state scores some items (活動・成果指標群): the municipality cannot tick them,
    so 不可. Every other item starts unmarked: 要調整 would read as a judgement
    that nobody has made.
    """
    return EFFORT_IMPOSSIBLE if state_scored else None


SOURCE_UNDO = "元に戻す"
SOURCE_REDO = "やり直し"
SOURCE_CARRY = "前年度から引継ぎ"


def import_source(file_name: str) -> str:
    return f"取込: {file_name}"


@dataclass(frozen=True)
class Municipality:
    """The municipality an evaluation file belongs to."""

    name: str
    code: str | None = None
    prefecture: str | None = None
    insured: int | None = None


@dataclass(frozen=True)
class PeerChoice:
    """A municipality the user chose to compare with (比較する市町村を自分で選ぶ), named as
    the national results name it: 通し番号 (stable across years), prefecture and name."""

    serial: int
    prefecture: str
    name: str

    @property
    def display_name(self) -> str:
        return f"{self.prefecture}{self.name}"


@dataclass(frozen=True)
class EvaluationRecord(NamedFiscalYear):
    """One fiscal year's evaluation in a file, pinned to the catalog text it was started with."""

    id: int
    fiscal_year: int
    catalog_id: str
    catalog_revision: int
    catalog_hash: str
    created_at: str
    created_by: str
    carried_from: int | None = None


@dataclass(frozen=True)
class AnswerRow:
    """A stored answer with who changed it last, and whether it was carried from last year."""

    item_id: str
    value: str
    carried: bool
    updated_at: str
    updated_by: str


@dataclass(frozen=True)
class IndicatorNote:
    """What is kept per indicator besides the answers: memo, evidence, section, status."""

    indicator_id: str
    memo: str = ""
    evidence: str = ""
    section: str = ""
    assignee: str = ""
    status: str = STATUS_NOT_STARTED
    updated_at: str | None = None
    updated_by: str | None = None

    def get(self, name: str) -> str:
        return getattr(self, name)


@dataclass(frozen=True)
class Attachment:
    """A file kept with (or linked from) an indicator as evidence."""

    id: int
    indicator_id: str
    name: str
    location: str
    file_name: str | None
    size: int | None
    sha256: str | None
    added_at: str
    added_by: str

    @property
    def has_content(self) -> bool:
        return self.size is not None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the change history: who changed what, when, old → new."""

    id: int
    at: str
    user: str
    evaluation_id: int | None
    action: str
    target: str | None
    field: str | None
    old: str | None
    new: str | None
    source: str | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user,
            "evaluation_id": self.evaluation_id,
            "action": self.action,
            "target": self.target,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "source": self.source,
        }


@dataclass(frozen=True)
class Change:
    """One value changed by a write: what the audit log and the UI's undo record."""

    kind: str  # an ACTION_* constant
    target: str
    field: str
    old: str | None
    new: str | None


@dataclass
class ChangeSet:
    """Several changes applied as one user action (an import, an undo of a paste …)."""

    answers: dict[str, str | None] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)  # indicator → field → value
    planned_responses: dict[str, str] = field(default_factory=dict)
    wordings: dict[str, str | None] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.answers or self.notes or self.planned_responses or self.wordings)


@dataclass(frozen=True)
class ItemText:
    """An official sub-item text this evaluation holds (pasted, or from a wording pack)."""

    text: str
    source: str  # TEXT_PASTED or TEXT_PACK
    origin: str = ""  # the file it came from, as the user named it
