"""Near-duplicate detection (syndicated wire copy) with MinHash signatures and LSH bands.

The signature and its band keys are stored with the document, so a later run finds an earlier run's
near-duplicates with an indexed lookup of the band keys instead of rebuilding an LSH index in memory.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 21, 6  # P(candidate) is ~0.92 at Jaccard 0.7 and ~0.999 at 0.85
THRESHOLD = 0.7  # estimated Jaccard of word 3-shingles above which two documents are one source
SHINGLE = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 17


@dataclass(frozen=True)
class Signature:
    hashvalues: bytes
    band_keys: tuple[int, ...]


def shingles(text: str) -> set[bytes]:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> Signature:
    # imported here: datasketch brings scipy, a second of start-up for every command that never ingests
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=_SEED)
    m.update_batch(list(shingles(text)))
    values = m.hashvalues.astype(np.uint64)
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return Signature(values.tobytes(), tuple(keys))


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    va = np.frombuffer(a, dtype=np.uint64)
    vb = np.frombuffer(b, dtype=np.uint64)
    if va.shape != vb.shape or not len(va):
        return 0.0
    return float(np.count_nonzero(va == vb)) / len(va)
