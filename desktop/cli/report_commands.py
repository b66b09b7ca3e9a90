"""The result report on the command line: ``hyoka-desk report --db FILE --out X.xlsx|X.pdf``."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.common import CommandError, add_command, db_path, open_session
from desktop.safe_save import check_output_target

FORMATS = (".xlsx", ".pdf")


def register(subparsers) -> None:
    report = add_command(
        subparsers,
        "report",
        run_report,
        help="評価結果（公表資料）を Excel（.xlsx）または PDF（.pdf）に出力する",
    )
    report.add_argument(
        "--out",
        required=True,
        metavar="X.xlsx|X.pdf",
        help="出力するファイル（拡張子で形式を選ぶ）",
    )


def run_report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise CommandError(
            f"出力ファイル {out.name} の拡張子は .xlsx か .pdf にしてください（形式は拡張子で決まります）。"
        )
    if not out.parent.is_dir() and str(out.parent):
        raise CommandError(f"出力先のフォルダ {out.parent} がありません。")
    # Before the file is even opened (the writer checks again): never over the evaluation.
    check_output_target(out, evaluation_file=db_path(args), error=CommandError)
    with open_session(args, read_only=True) as session:
        written = export(session, out)
    print(f"{session.catalog.year_label}の評価結果を {written} に出力しました。")
    return 0


def export(session, out: Path) -> Path:
    """Write the report of ``session`` as xlsx or PDF, chosen by the file's suffix."""
    from desktop.report.model import build_report
    from desktop.report.official import compare
    from desktop.report.xlsx import ReportWriteError, save_report_xlsx

    report = build_report(session)
    official_rows = compare(session.catalog, session.score(), session.official_results())
    try:
        if out.suffix.lower() == ".pdf":
            return _export_pdf(report, out, official_rows, session.path)
        return save_report_xlsx(report, out, official_rows, evaluation_file=session.path)
    except ReportWriteError as exc:
        raise CommandError(str(exc)) from None


def _export_pdf(report, out: Path, official_rows, evaluation_file: Path) -> Path:
    """The PDF is laid out by Qt: start a headless QGuiApplication when none runs."""
    from PySide6.QtGui import QGuiApplication

    application = QGuiApplication.instance()
    if application is None:
        # No window is shown: the offscreen platform works without a display.
        application = QGuiApplication(["hyoka-desk", "-platform", "offscreen"])
    from desktop.ui.report_pdf import render_pdf

    written = render_pdf(report, out, official_rows, evaluation_file=evaluation_file)
    del application  # kept alive until the PDF is written
    return written
