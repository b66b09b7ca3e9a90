"""Limits on wording read from outside (pasted text, PDFs, wording packs).

One sub-item's text has the limit every free text has (desktop/text_limits.py).
"""

from desktop.text_limits import TEXT_LIMIT

MAX_TEXT_CHARS = TEXT_LIMIT  # one sub-item's text (the longest official ones are a few hundred)
MAX_SOURCE_CHARS = 3_000_000  # a whole pasted or extracted document
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 600
MAX_PACK_ROWS = 5000  # a year has a few hundred sub-items
