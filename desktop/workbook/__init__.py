"""Workbooks (openpyxl): the submission workbook, section workbooks and their import.

Export: :mod:`.submission` (the whole evaluation, 該当状況調査票 style) and
:mod:`.section` (one 担当課's indicators, protected except its input cells), both
built from :mod:`.layout` rows by :mod:`.sheets`, :mod:`.cover` and :mod:`.totals`,
styled by :mod:`.styles`, with user text written by :mod:`.safe_text` and a hidden
:mod:`.manifest` that identifies every row. Import: :mod:`.reader` opens the file
defensively and :mod:`.importer` previews and applies it, all or nothing.
No Qt here: the dialogs live in ``desktop.ui.import_dialog`` and ``workbook_actions``.
"""
