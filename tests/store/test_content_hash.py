"""The catalog content hash is hashlib's SHA-256 of the text with normalised line ends."""

from __future__ import annotations

import hashlib

from desktop.hashing import content_hash


def test_content_hash_is_sha256_of_the_normalised_text():
    text = "catalog: 令和8年度\r\nitems:\r  - ア\n"
    expected = hashlib.sha256("catalog: 令和8年度\nitems:\n  - ア\n".encode()).hexdigest()
    assert content_hash(text) == expected
    assert content_hash("") == hashlib.sha256(b"").hexdigest()
