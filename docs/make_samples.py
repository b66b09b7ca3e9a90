"""Rebuild the pictures in docs/ from a fictional municipality (架空町, 見本県).

    PYTHONPATH=. python docs/make_samples.py

Writes docs/screenshot-main.png (the main window at 1280x800, through the app's own
--screenshot), and one printed page each of the submission workbook and the result
report (docs/sample-submission.png, docs/sample-report.png), rendered the way a
user's printer sees them: the workbook through LibreOffice, the report as the app's
PDF. Needs LibreOffice (soffice) and poppler (pdftoppm). Never a real municipality:
the scores shown are invented.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

from desktop.catalog import registry  # noqa: E402
from desktop.evaluation.session import create_evaluation  # noqa: E402
from desktop.records import Municipality  # noqa: E402
from desktop.store import EvaluationFile  # noqa: E402

MUNICIPALITY = Municipality(name="架空町", code="999999", prefecture="見本県", insured=3200)
PERSON = "見本 花子"
SECTIONS = {"suishin.I.process.features": "介護保険課", "shien.II.process.supporters": "健康推進課"}
PLANNED = {"suishin.I.process": "地域ケア会議でモニタリングの結果を共有し、町の広報で公表する。"}


def build_evaluation(path: Path) -> None:
    """Every other self-assessed sub-item answered, as in the window tests."""
    catalog = {c.year_code: c for c in registry.catalogs()}["R8"]
    with EvaluationFile.open(path, user=PERSON) as store:
        session = create_evaluation(store, catalog, municipality=MUNICIPALITY)
        answers = {}
        items = [item for item in catalog.all_items() if not item.state_scored]
        for number, item in enumerate(items):
            if number % 2:
                continue
            if item.rule in ("check", "all_of"):
                answers[item.id] = "該当" if number % 4 == 0 else "非該当"
            elif item.rule in ("tiers", "count", "choice"):
                answers[item.id] = item.options[-1].label
        session.set_answers(answers)
        for indicator_id, section in SECTIONS.items():
            session.note(indicator_id, section=section)
        for group_id, text in PLANNED.items():
            store.set_planned_response(session.evaluation_id, group_id, text)


def run(*command: str, env: dict | None = None) -> None:
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def page_png(pdf: Path, page: int, out: Path) -> None:
    stem = out.with_suffix("")
    run(
        "pdftoppm",
        "-r",
        "80",
        "-png",
        "-singlefile",
        "-f",
        str(page),
        "-l",
        str(page),
        str(pdf),
        str(stem),
    )


def fullest_page(pdf: Path, workbook: Path, sheet_name: str = "推進交付金") -> int:
    """The fullest page of an answer sheet that starts with an indicator (not a remainder)."""
    import openpyxl

    from desktop.workbook.layout import COL, FIRST_DATA_ROW

    sheet = openpyxl.load_workbook(workbook)[sheet_name]
    starts = [FIRST_DATA_ROW, *sorted(b.id + 1 for b in sheet.row_breaks.brk)]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [
        (number, page)
        for number, page in enumerate(text.split("\f"), start=1)
        if page.rstrip().endswith(sheet_name)
    ]
    candidates = {
        number: len("".join(page.split()))
        for (number, page), first in zip(pages, starts, strict=False)
        if sheet.cell(first, COL["内容"]).font.b and "未回答" in page and "参考" in page
    }
    return max(candidates, key=lambda number: candidates[number])


def main() -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HYOKA_USER=PERSON, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        evaluation = work / "架空町.sqlite"
        build_evaluation(evaluation)
        app = [sys.executable, "-m", "desktop"]
        env["HOME"] = str(work)  # the screenshot run remembers nothing of the user's
        run(
            *app,
            "--db",
            str(evaluation),
            "--screenshot",
            str(DOCS / "screenshot-main.png"),
            env=env,
        )
        run(
            *app, "export", "--db", str(evaluation), "--out", str(work / "submission.xlsx"), env=env
        )
        run(*app, "report", "--db", str(evaluation), "--out", str(work / "report.pdf"), env=env)
        soffice = shutil.which("soffice")
        if soffice is None:
            print("soffice がないため、提出用ブックの見本は作りません。", file=sys.stderr)
        else:
            run(
                soffice,
                f"-env:UserInstallation={(work / 'lo').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(work / "submission.xlsx"),
            )
            page_png(
                work / "submission.pdf",
                fullest_page(work / "submission.pdf", work / "submission.xlsx"),
                DOCS / "sample-submission.png",
            )
        page_png(work / "report.pdf", 1, DOCS / "sample-report.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
