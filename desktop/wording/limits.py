"""Limits on wording read from outside (pasted text, PDFs, wording packs).

Temporary home: a single text-limit module for every import is on its way; until then
these constants are the one place the wording layer takes its limits from.
"""

MAX_TEXT_CHARS = 2000  # one sub-item's text (the longest official ones are a few hundred)
MAX_SOURCE_CHARS = 3_000_000  # a whole pasted or extracted document
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 600
MAX_PACK_ROWS = 5000  # a year has a few hundred sub-items
