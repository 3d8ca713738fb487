"""`salus bench triage`: what input triage adds to a message, beside the embedding.

The message's e5 embedding is shared with retrieval, so it is timed apart
from triage itself (phrase lists, the learned model, the conversation's
crisis context). Triage's time includes embedding the windows of a message
of several sentences: that embedding is triage's own. Cases come from a safety suite, history
included; the result is p50/p95 of each, in ms.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from evals.safety import SafetyCase
from evals.stats import percentile
from retrieval.embedder import Embedder
from safety.triage import Triage


def bench_triage(triage: Triage, embedder: Embedder, cases: Sequence[SafetyCase]) -> dict[str, Any]:
    """Per-message timings of the embedding and of the triage decision."""
    triage.warm_up()
    embed_ms, decide_ms = [], []
    for case in cases:
        start = time.perf_counter()
        vector = embedder.embed_queries([case.prompt])[0]
        embedded = time.perf_counter()
        triage.check(case.prompt, case.history, vector, case.language)
        embed_ms.append((embedded - start) * 1000)
        decide_ms.append((time.perf_counter() - embedded) * 1000)
    total = [a + b for a, b in zip(embed_ms, decide_ms, strict=True)]
    spread = {f"{name}_ms": {"p50": round(percentile(v, 50), 1),
                             "p95": round(percentile(v, 95), 1)}
              for name, v in (("triage", decide_ms), ("embedding", embed_ms), ("total", total))}
    return {"messages": len(cases), **spread}
