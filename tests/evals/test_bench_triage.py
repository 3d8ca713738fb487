"""`salus bench triage` times the embedding and the triage decision apart."""

from evals.bench_triage import bench_triage
from evals.safety import load_suite


def test_triage_is_timed_beside_the_shared_embedding(assistant):
    cases = load_suite()[:6]
    result = bench_triage(assistant.triage, assistant.embedder, cases)
    assert result["messages"] == 6
    for part in ("triage_ms", "embedding_ms", "total_ms"):
        assert 0 < result[part]["p50"] <= result[part]["p95"]
    assert result["total_ms"]["p95"] >= result["triage_ms"]["p95"]
