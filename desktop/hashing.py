"""The content hash that pins an evaluation to the exact catalog text it was started with.

Shared by the catalog loader (which computes it) and the store (which refuses a
snapshot whose text does not match its hash), without the store importing the
catalog package.
"""

from __future__ import annotations

try:  # hashlib would load OpenSSL first (about 3 ms when an evaluation is opened)
    from _sha256 import sha256  # CPython 3.11 (the same digest as hashlib's)
except ImportError:  # pragma: no cover - CPython 3.12 renamed it; other builds: hashlib
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256


def content_hash(text: str) -> str:
    """SHA-256 of a catalog's text, independent of the line endings a checkout uses."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    return sha256(normalized.encode("utf-8")).hexdigest()
