"""Everything that can go wrong with an evaluation file, told in plain Japanese.

Each error names the file and says what the user can do. The UI shows ``title`` and
``str(error)`` in a dialog; the command line prints ``str(error)`` on one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class StoreError(Exception):
    title = "ファイルを開けません"

    def __init__(self, path: str | Path | None, message: str):
        self.path = str(path) if path is not None else None
        super().__init__(message)


class NotADatabase(StoreError):
    title = "評価ファイルではありません"

    def __init__(self, path):
        super().__init__(
            path,
            f"{path} は交付金評価デスクの評価ファイル（SQLite）ではありません。"
            "ファイルは変更していません。正しいファイルを選ぶか、新規評価を作成してください。",
        )


class DamagedFile(StoreError):
    title = "評価ファイルが破損しています"

    def __init__(self, path, detail: str = ""):
        extra = f"（{detail}）" if detail else ""
        super().__init__(
            path,
            f"{path} は破損しています{extra}。ファイルは変更していません。"
            "「バックアップから復元」で、同じフォルダの .backups にある直近のバックアップを戻してください。",
        )


class TooNew(StoreError):
    title = "新しい版で作られたファイルです"

    def __init__(self, path, file_version: int, app_version: int):
        self.file_version = file_version
        self.app_version = app_version
        super().__init__(
            path,
            f"{path} は、より新しい版の交付金評価デスクで保存されています"
            f"（ファイルの形式 {file_version}、この版が扱えるのは {app_version} まで）。"
            "ファイルは変更していません。新しい版に更新してから開いてください。",
        )


class ReadOnlyFile(StoreError):
    title = "書き込めないファイルです"

    def __init__(self, path, detail: str = ""):
        extra = f"（{detail}）" if detail else ""
        super().__init__(
            path,
            f"{path} に書き込めません{extra}。ファイルやフォルダが読み取り専用か、権限がありません。"
            "読み取り専用で開くか、書き込める場所にコピーしてから開いてください。",
        )


class CannotOpen(StoreError):
    title = "ファイルを開けません"

    def __init__(self, path, detail: str):
        super().__init__(path, f"{path} を開けません（{detail}）。")


@dataclass(frozen=True)
class LockHolder:
    user: str
    host: str
    pid: int
    since: str  # ISO 8601, local time with offset
    heartbeat: str
    app: str = ""

    def describe(self) -> str:
        since = self.since.replace("T", " ")[:16]
        return f"{self.user}（{self.host}）が {since} から"


class FileLocked(StoreError):
    title = "ほかの人が使用中です"

    def __init__(self, path, holder: LockHolder | None, stale: bool):
        self.holder = holder
        self.stale = stale
        who = holder.describe() if holder else "ほかの利用者が"
        if stale:
            message = (
                f"{path} は {who}開いたままになっていますが、応答がありません（異常終了の可能性）。"
                "その人が使っていないことを確かめてから「引き継いで開く」を選んでください。"
                "読み取り専用で開くこともできます。"
            )
        else:
            message = (
                f"{path} は {who}使用中です。同時に書き込めるのは一人だけです。"
                "読み取り専用で開くか、その人が閉じるまで待ってください。"
            )
        super().__init__(path, message)


class Busy(StoreError):
    title = "ファイルが使用中です"

    def __init__(self, path):
        super().__init__(
            path,
            f"{path} はほかのプログラムが書き込み中のため、いま保存できません。"
            "しばらく待ってからもう一度操作してください。入力した内容はまだ保存されていません。",
        )


class ReadOnlySession(StoreError):
    title = "読み取り専用です"

    def __init__(self, path):
        super().__init__(
            path,
            f"{path} は読み取り専用で開いているため、変更を保存できません。",
        )


class NoEvaluation(StoreError):
    title = "評価がありません"

    def __init__(self, path, year_label: str | None = None, available: list[str] | None = None):
        if year_label:
            have = "、".join(available or []) or "なし"
            message = f"{path} に {year_label} の評価はありません（あるのは: {have}）。"
        else:
            message = (
                f"{path} にはまだ評価がありません。新規評価を作成してください（hyoka-desk new）。"
            )
        super().__init__(path, message)


class InvalidInput(StoreError):
    title = "入力が正しくありません"
