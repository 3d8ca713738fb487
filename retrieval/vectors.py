"""The FAISS structure for passage vectors: exact below a size, IVF above it.

Inner product on unit vectors (cosine). Exact (flat) search reads every
vector, so its time grows with the collection; IVF clusters the vectors and
reads only the `nprobe` nearest clusters. Measured with `salus bench
retrieval` on 2 cores (search only, p95): flat 6-7 ms at 100k passages and
about 135 ms at 1M, over the 100 ms budget; IVF at 100k with nprobe 16 / 32 /
64: 0.3 / 0.5 / 0.6 ms, recall@10 against exact 0.93 / 0.96 / 0.98. Exact is
exact, so it is used while cheap (up to IVF_ABOVE vectors), IVF with nprobe
64 above that.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

IVF_ABOVE = 200_000
NPROBE = 64


def make_index(vectors: np.ndarray, dim: int) -> Any:
    """A FAISS index over unit `vectors`: flat when small, IVF when large."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index: Any
    if len(vectors) <= IVF_ABOVE:
        index = faiss.IndexFlatIP(dim)
    else:
        nlist = int(4 * math.sqrt(len(vectors)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist,
                                   faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).choice(len(vectors),
                                                         min(len(vectors), nlist * 40),
                                                         replace=False)]
        index.train(sample)
        index.nprobe = NPROBE
    index.add(vectors)
    return index


def prepare_loaded(index: Any) -> Any:
    """Set search parameters that FAISS does not store in the file."""
    if hasattr(index, "nprobe"):
        index.nprobe = NPROBE
    return index
