"""Shared wording packs: the folders read at start, $HYOKA_WORDING_DIR, and the README."""

from __future__ import annotations

from pathlib import Path

from desktop.catalog.wording import PACK, PASTED, TextLayers
from desktop.records import TEXT_PASTED
from desktop.wording import packs

PROGRESS_A = "suishin.I.process.plan-progress.a"
README = Path(__file__).resolve().parents[2] / "README.md"


def _pack(catalog, folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    layers = TextLayers(copies={PROGRESS_A: (text, PASTED)})
    packs.export_pack(catalog, layers, folder / "文言集.xlsx")


def test_the_folder_named_by_the_variable_is_read_last_and_the_evaluation_wins(
    session_r8, r8, tmp_path, monkeypatch
):
    beside = tmp_path / "program" / "wording"  # beside the catalogs folder
    shared = tmp_path / "共有ドライブ" / "文言集"
    monkeypatch.setenv("HYOKA_CATALOGS_DIR", str(tmp_path / "program" / "catalogs"))
    monkeypatch.delenv(packs.ENV_FOLDER, raising=False)
    _pack(r8, beside, "同梱側の文言")
    item = r8.item(PROGRESS_A)
    assert session_r8.text_layers().wording(item) == ("同梱側の文言", PACK)
    monkeypatch.setenv(packs.ENV_FOLDER, str(shared))
    _pack(r8, shared, "共有フォルダの文言")
    assert packs.pack_folders()[-1] == shared
    assert session_r8.text_layers().wording(item) == ("共有フォルダの文言", PACK)
    session_r8.set_item_texts({PROGRESS_A: "この評価で貼り付けた文言"}, kind=TEXT_PASTED)
    assert session_r8.text_layers().wording(item) == ("この評価で貼り付けた文言", PASTED)


def test_the_readme_documents_the_shared_wording_folder():
    readme = README.read_text(encoding="utf-8")
    assert f"`{packs.ENV_FOLDER}`" in readme
