"""Index build, reuse, atomic swap and refusal, with the real e5 embedder."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.errors import IndexError_
from retrieval.index import build_index, index_status, load_index


def test_build_then_load(tmp_path, embedder, starter_docs):
    report = build_index(starter_docs, embedder, tmp_path)
    index = load_index(tmp_path, embedder.model_id)
    assert index.manifest.chunk_count == len(index.chunks) == report.embedded > 0
    assert index_status(index, starter_docs).fresh


def test_a_rebuild_embeds_only_what_changed(tmp_path, embedder, starter_docs):
    build_index(starter_docs, embedder, tmp_path)
    old = load_index(tmp_path, embedder.model_id)
    edited = [dataclasses.replace(d, body=d.body + "\n\nOne more line.")
              if d.id == "en-alcohol" else d for d in starter_docs]
    assert index_status(old, edited).reasons == ("changed: en-alcohol",)
    report = build_index(edited, embedder, tmp_path, previous=old)
    assert report.embedded == 1
    assert report.reused == report.manifest.chunk_count - 1


def test_retired_documents_leave_the_index(tmp_path, embedder, starter_docs):
    retired = [dataclasses.replace(d, status="retired") if d.id == "en-tobacco" else d
               for d in starter_docs]
    build_index(retired, embedder, tmp_path)
    index = load_index(tmp_path, embedder.model_id)
    assert all(c.doc_id != "en-tobacco" for c in index.chunks)


def test_an_index_from_another_model_is_refused(tmp_path, embedder, starter_docs):
    build_index(starter_docs, embedder, tmp_path)
    with pytest.raises(IndexError_, match="Rebuild it with: salus index build"):
        load_index(tmp_path, "another/model")


def test_no_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexError_, match="salus index build"):
        load_index(tmp_path, "x")


class PowerCut:
    """An Embedder whose machine loses power half-way through a build."""

    def __init__(self, real):
        self.model_id, self.dim, self.real = real.model_id, real.dim, real

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts):
        raise KeyboardInterrupt


def test_a_crash_during_a_build_leaves_the_live_index_serving(tmp_path, embedder, starter_docs):
    build_index(starter_docs, embedder, tmp_path)
    live = load_index(tmp_path, embedder.model_id)
    edited = [dataclasses.replace(d, body=d.body + "\n\nNew.") for d in starter_docs]
    with pytest.raises(KeyboardInterrupt):
        build_index(edited, PowerCut(embedder), tmp_path, previous=live)
    again = load_index(tmp_path, embedder.model_id)
    assert again.manifest == live.manifest
    assert not index_status(again, starter_docs).reasons


def test_a_half_written_build_is_never_loaded(tmp_path, embedder, starter_docs):
    build_index(starter_docs, embedder, tmp_path)
    live = (tmp_path / "current").read_text()
    (tmp_path / "builds" / ".crashed.tmp").mkdir()  # what a crash mid-build leaves
    assert load_index(tmp_path, embedder.model_id).manifest.build_id == live
