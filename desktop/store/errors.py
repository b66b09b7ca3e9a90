"""Everything that can go wrong with an evaluation file, told in plain Japanese.

Each error names the file and says what the user can do. The UI shows ``title`` and
``str(error)`` in a dialog; the command line prints ``str(error)`` on one line.
"""

from __future__ import annotations

import errno
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from desktop.windows_files import held_open_message


class StoreError(Exception):
    title = "ファイルを開けません"

    def __init__(self, path: str | Path | None, message: str, *, detail: str | None = None):
        self.path = str(path) if path is not None else None
        # Technical detail (SQLite's or the OS's own words) for logs and --debug only.
        self.detail = detail
        # The command line prints the message as one line; keep it one line (and leave
        # every other character alone: paths may hold double or full-width spaces).
        super().__init__(message.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))

    def with_detail(self, detail: str | None) -> StoreError:
        self.detail = detail
        return self


_OS_REASONS = {
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
    errno.EROFS: "読み取り専用のドライブです",
    errno.ENOSPC: "空き容量がありません",
    errno.ENOENT: "見つかりません",
    errno.EISDIR: "フォルダです",
    errno.EBUSY: "ほかのプログラムが使用中です",
    errno.EIO: "読み書きに失敗しました",
}


def describe_os_error(exc: OSError) -> str:
    """The reason of an OS error in Japanese (strerror is English on most systems)."""
    if isinstance(exc, PermissionError):
        return "権限がありません"
    return _OS_REASONS.get(exc.errno or 0, "読み書きに失敗しました")


def printable(text: str) -> str:
    """``text`` without control characters (line breaks, escapes, direction overrides):
    names read from a file someone else wrote are shown, never obeyed by the terminal."""
    return "".join(
        char
        for char in text
        if not unicodedata.category(char).startswith("C")
        and unicodedata.category(char) not in ("Zl", "Zp")
    )


def unreadable_text_message(what: str) -> str:
    """The message for text made of bytes that are no characters.

    On Linux the command line and the environment arrive as bytes; Python keeps bytes
    that are not UTF-8 as lone surrogates, which no file can store.
    """
    return (
        f"{what}に文字として読めない部分（文字化け）があります。"
        "正しい文字で指定し直してください。ファイルは変更していません。"
    )


def is_readable_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _FileError(StoreError):
    """An error told by its class's ``message``, in which ``{path}`` is the file, ``{name}``
    its name and ``{detail}`` the technical detail in brackets (empty without one)."""

    message: str

    def __init__(self, path, detail: str = ""):
        super().__init__(
            path,
            self.message.format(
                path=path, name=Path(str(path)).name, detail=f"（{detail}）" if detail else ""
            ),
            detail=detail or None,
        )


class NotADatabase(_FileError):
    title = "評価ファイルではありません"
    message = (
        "{path} は交付金評価デスクの評価ファイル（SQLite）ではありません。"
        "ファイルは変更していません。正しいファイルを選ぶか、新規評価を作成してください。"
    )


class DamagedFile(_FileError):
    title = "評価ファイルが破損しています"
    message = (
        "{path} は破損しています{detail}。ファイルは変更していません。"
        "「バックアップから復元」（コマンドでは hyoka-desk restore）で、"
        "{name}.backups フォルダにある直近のバックアップを戻してください。"
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


class ReadOnlyFile(_FileError):
    title = "書き込めないファイルです"
    message = (
        "{path} に書き込めません{detail}。ファイルやフォルダが読み取り専用か、権限がありません。"
        "ファイルは変更していません。"
        "読み取り専用で開くか、書き込める場所にコピーしてから開いてください。"
    )


class SeveralNames(_FileError):
    title = "別の名前でも開けるファイルです"
    message = (
        "{path} には別の名前（ハードリンク）があります。二つの名前から同時に書き込むと"
        "ロックが別々になり、変更が失われるおそれがあるため、書き込み用には開きません。"
        "ファイルは変更していません。読み取り専用で開くか、コピーを作ってから開いてください。"
    )


class CannotOpen(StoreError):
    title = "ファイルを開けません"

    def __init__(self, path, detail: str):
        super().__init__(path, f"{path} を開けません（{detail}）。", detail=detail)


@dataclass(frozen=True)
class LockHolder:
    """Who holds an evaluation file open, as its lock file says."""

    user: str
    host: str
    pid: int
    since: str  # ISO 8601, local time with offset
    heartbeat: str
    app: str = ""
    started: float | None = None  # when the holder's process started (detects a reused pid)

    def describe(self) -> str:
        since = printable(self.since.replace("T", " ")[:16])
        return f"{printable(self.user)}（{printable(self.host)}）が {since} から"


class FileLocked(StoreError):
    title = "ほかの人が使用中です"

    def __init__(self, path, holder: LockHolder | None, stale: bool):
        self.holder = holder
        self.stale = stale
        who = holder.describe() if holder else "ほかの利用者が"
        if stale:
            message = (
                f"{path} は {who}開いたままになっていますが、応答がありません（異常終了の可能性）。"
                "その人が使っていないことを確かめてから「引き継いで開く」"
                "（コマンドでは --takeover）を選んでください。"
                "読み取り専用で開くこともできます。"
            )
        else:
            message = (
                f"{path} は {who}使用中です。同時に書き込めるのは一人だけです。"
                "読み取り専用で開くか、その人が閉じるまで待ってください。"
            )
        super().__init__(path, message)


class Busy(_FileError):
    title = "ファイルが使用中です"
    message = (
        "{path} はほかのプログラムが書き込み中のため、いま保存できません。"
        "しばらく待ってからもう一度操作してください。入力した内容はまだ保存されていません。"
    )


class ReadOnlySession(_FileError):
    title = "読み取り専用です"
    message = "{path} は読み取り専用で開いているため、変更を保存できません。"


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


class DiskFull(StoreError):
    title = "空き容量が足りません"

    def __init__(self, path, *, doing: str | None = None):
        if doing:  # before anything was saved: opening (e.g. creating the lock file)
            message = (
                f"{path} の{doing}。ディスク（またはネットワークドライブ）の空き容量が足りません。"
                "ファイルは変更していません。空きを作ってからもう一度開いてください。"
            )
        else:
            message = (
                f"{path} に保存できません。ディスク（またはネットワークドライブ）の空き容量が"
                "足りません。直前の操作は保存されていませんが、それまでの内容は無事です。"
                "空きを作ってからもう一度操作してください。"
            )
        super().__init__(path, message)


class FileUnavailable(StoreError):
    title = "ファイルに読み書きできません"

    def __init__(self, path, reason: str, detail: str | None = None):
        super().__init__(
            path,
            f"{path} に読み書きできなくなりました（{reason}）。"
            "直前の操作は保存されていません。"
            "ネットワークドライブの接続とファイルの場所を確かめ、開き直してください。",
            detail=detail,
        )


class InterruptedSave(_FileError):
    title = "前回の保存が途中で終わっています"
    message = (
        "{path} は前回の保存が途中で終わったままです（異常終了や電源断の可能性）。"
        "書き込みできる状態で一度開くと、保存前の状態に自動で戻ります。"
        "読み取り専用では開けません。"
    )


class MigrationFailed(StoreError):
    title = "ファイル形式の更新に失敗しました"

    def __init__(self, path, from_version: int, to_version: int, detail: str, backup=None):
        saved = f"更新前のバックアップは {backup} にあります。" if backup else ""
        super().__init__(
            path,
            f"{path} のファイル形式を {from_version} から {to_version} に更新できませんでした。"
            f"ファイルは元のまま（形式 {from_version}）です。{saved}"
            "この版の交付金評価デスクでは開けないため、担当者に連絡してください。",
            detail=detail,
        )


class SaveFailed(_FileError):
    title = "保存できませんでした"
    message = (
        "{path} に保存できませんでした。直前の操作は保存されていませんが、"
        "それまでの内容は無事です。"
    )


class LockLost(StoreError):
    title = "ほかの人が引き継ぎました"

    def __init__(self, path, holder: LockHolder | None):
        who = holder.describe() if holder else "ほかの利用者が"
        super().__init__(
            path,
            f"{path} は {who}引き継いで開いています。この画面の変更はもう保存できません。"
            "いったん閉じて、読み取り専用で開き直してください。",
        )


class HeldOpen(StoreError):
    """Windows: another program (Excel, a viewer, a copy in progress) holds the file."""

    title = "ほかのプログラムが開いています"

    def __init__(self, path):
        super().__init__(path, f"{held_open_message(path)}ファイルは変更していません。")


class OpenElsewhere(_FileError):
    title = "ほかのプログラムが使用中です"
    message = (
        "{path} は、ほかのプログラム（SQLite の編集ツールなど）が開いているか、"
        "そのプログラムの形式（WAL）のまま残っています。ファイルは変更していません。"
        "そのプログラムを閉じてから開き直してください。"
    )


class OtherMunicipality(StoreError):
    title = "別の市町村のバックアップです"

    def __init__(self, path, backup_path, theirs: str, ours: str):
        self.theirs = theirs
        self.ours = ours
        super().__init__(
            path,
            f"{backup_path} は {theirs} の評価ファイルです。{path} は {ours} の評価ファイルのため、"
            f"復元すると {ours} の内容が {theirs} の内容に置き換わります。"
            "復元はしていません。ファイルは変更していません。",
        )
