"""The content hash that pins an evaluation to the exact catalog text it was started with.

Shared by the catalog loader (which computes it) and the store (which refuses a
snapshot whose text does not match its hash), without the store importing the
catalog package.
"""

from __future__ import annotations

import hashlib


def content_hash(text: str) -> str:
    """SHA-256 of a catalog's text, independent of the line endings a checkout uses."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()
