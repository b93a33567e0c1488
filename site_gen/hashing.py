"""The project's hash rules, in one place.

What comes from outside (content files, templates, ``site.yaml``, images) is hashed with
blake2b: :func:`content_hash`. What a build makes itself (output files, page fingerprints,
card keys) is hashed with 128-bit XXH3, much quicker on the many pages a build hashes:
:func:`digest`. The two never mix, so a key of either kind keeps its meaning.
"""

from __future__ import annotations

import hashlib

import xxhash


def content_hash(data: bytes) -> str:
    """The hash of what comes from outside (32 hex digits, blake2b); a content file's is what
    the cache knows it by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def short_content_hash(data: bytes) -> str:
    """:func:`content_hash` cut to 24 hex digits (blake2b of 12 bytes): short enough to name
    a file (a resized image's cache entry)."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def digest(data: bytes) -> str:
    """The hash of what a build makes (32 hex digits, XXH3-128)."""
    return xxhash.xxh3_128_hexdigest(data)
