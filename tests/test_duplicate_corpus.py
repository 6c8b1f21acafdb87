"""The duplicate check on initiatives it was never tuned on (issue 12): a small corpus from the independent
generator in bench/dup_corpus.py (its own vocabulary, templates and shared legal preambles), every kind of copy,
new texts, the newest initiatives, typing habits, identical answers from every backend, and the evaluation
entry point's output contract. The 100,000-item figures come from bench/bench_similarity.py, not from here."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bench import dup_eval
from bench.dup_corpus import KINDS, Generator, Item, make_query, queries, strip_marks, typed
from similarity import InMemoryIndex, fingerprint
from similarity.features import base
from storage.database import create_engine
from storage.similarity_store import SqlSimilarityIndex, create_similarity_tables

N = 1500


def corpus(n: int, seed: int = 3) -> list[Item]:
    g = Generator(seed)
    return [g.item() for _ in range(n)]


def docs(items: list[Item]) -> list[tuple[int, str, str]]:
    return [(i, item.title, item.description) for i, item in enumerate(items, 1)]


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return corpus(N)


@pytest.fixture(scope="module")
def memory(items: list[Item]) -> InMemoryIndex:
    index = InMemoryIndex()
    index.add_many(docs(items))
    return index


def test_every_kind_of_copy_is_flagged_with_its_source_on_top_and_new_texts_are_not(
    items: list[Item], memory: InMemoryIndex
) -> None:
    wrong = []
    for q in queries(items, 4, seed=77):
        found = memory.query(q["title"], q["description"])
        top = found[0].doc_id if found else None
        if (q["kind"] == "new" and found) or (q["kind"] != "new" and top != q["source"]):
            wrong.append((q["qid"], q["source"], [(m.doc_id, m.score) for m in found]))
    assert wrong == []


def test_the_newest_initiatives_are_found_as_surely_as_the_oldest(items: list[Item], memory: InMemoryIndex) -> None:
    for doc_id in (1, 2, N // 2, N - 1, N):
        item = items[doc_id - 1]
        (top, *_) = memory.query(item.title, item.description)
        assert (top.doc_id, top.score) == (doc_id, 1.0)
    memory.add(N + 1, "Một sáng kiến vừa nộp", items[9].description + " Bổ sung một câu riêng của tác giả.")
    try:
        assert memory.query("Tên khác", items[9].description)[0].doc_id in (10, N + 1)
        assert {m.doc_id for m in memory.query("Tên khác", items[9].description)} == {10, N + 1}
    finally:
        memory.remove(N + 1)


def test_one_paragraph_of_five_finds_the_long_description_it_came_from(
    items: list[Item], memory: InMemoryIndex
) -> None:
    item = items[N - 5]
    for paragraph in item.paragraphs[1:4]:
        text = " ".join(paragraph)
        if sum(text in other.description for other in items) > 1:
            continue  # word for word in another initiative too
        found = memory.query("Một tiêu đề hoàn toàn khác", text)
        assert found and found[0].doc_id == N - 4 and found[0].score > 0.8


def test_telex_vni_and_unaccented_typing_read_as_the_same_words() -> None:
    assert [base(w) for w in ("tieesng", "vieejt", "tie61ng", "vie65t", "nguwowif", "ddoongf", "d9o62ng")] == [
        "tieng", "viet", "tieng", "viet", "nguoi", "dong", "dong"]
    # Properly typed words are left alone, including initials s, r, x and tr.
    assert [base(w) for w in ("sang", "truong", "xuat", "rat", "2024")] == ["sang", "truong", "xuat", "rat", "2024"]
    text = "Đường giao thông nông thôn được bê tông hóa nhờ người dân hiến đất."
    expected = fingerprint("", text)
    for variant in (strip_marks(text), typed(text, vni=False), typed(text, vni=True), text.upper()):
        assert fingerprint("", variant) == expected, variant


def test_a_shared_legal_preamble_does_not_make_two_initiatives_alike(items: list[Item], memory: InMemoryIndex) -> None:
    opening = [i for i, item in enumerate(items, 1) if item.paragraphs[0][0].startswith(("Thực hiện", "Căn cứ"))]
    assert len(opening) > N // 3  # hundreds of unrelated initiatives open with one of a few preambles
    new = Generator(999).item()
    preamble = items[opening[0] - 1].paragraphs[0][0]
    found = memory.query(new.title, f"{preamble}\n{new.description}")
    assert found == []


@pytest.fixture
async def engine(database_url: tuple[str, dict[str, Any]]) -> AsyncIterator[AsyncEngine]:
    url, kwargs = database_url
    engine = create_engine(url, **kwargs)
    async with engine.begin() as conn:
        await create_similarity_tables(conn)
    yield engine
    await engine.dispose()


async def test_memory_and_database_give_the_same_candidates_and_scores(engine: AsyncEngine) -> None:
    small = corpus(250, seed=5)
    memory = InMemoryIndex()
    sql = SqlSimilarityIndex(async_sessionmaker(engine, expire_on_commit=False))
    numbered = docs(small)
    memory.add_many(numbered[:200])
    await sql.add_many(numbered[:100], batch_size=40)
    for doc in numbered[100:200]:  # one by one, as filings do
        await sql.add(*doc)
    for doc_id, title, text in numbered[200:]:
        memory.add(doc_id, title, text)
        await sql.add(doc_id, title, text)
    # Edits and removals keep the frequencies in step.
    for doc_id in (3, 100, 249):
        memory.remove(doc_id)
        await sql.remove(doc_id)
    edited = small[20]
    memory.add(21, "Sửa tên", edited.description + " Thêm một câu.")
    await sql.add(21, "Sửa tên", edited.description + " Thêm một câu.")
    r = random.Random(8)
    fresh = Generator(9)
    checked = 0
    for kind in KINDS:
        for _ in range(2):
            source = r.randint(1, 250)
            q = make_query(r, kind, small[source - 1], fresh)
            title, text = str(q["title"]), str(q["description"])
            for kwargs in ({}, {"threshold": 0.0, "margin": 0.0, "top_k": 50}, {"exclude": (source,)}):
                assert await sql.query(title, text, **kwargs) == memory.query(title, text, **kwargs), (kind, kwargs)
                checked += 1
    assert checked == len(KINDS) * 6


def test_the_evaluation_entry_point_prints_one_line_per_query_then_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = corpus(200, seed=11)
    corpus_file, queries_file = tmp_path / "c.jsonl", tmp_path / "q.jsonl"
    corpus_file.write_text("".join(
        json.dumps({"id": i, "title": t, "description": d, "extra": 1}, ensure_ascii=False) + "\n"
        for i, t, d in docs(small)), encoding="utf-8")
    asked = [{"qid": "copy", "title": "X", "description": small[41].description},
             {"qid": 7, "title": Generator(5).item().title, "description": Generator(5).item().description}]
    queries_file.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in asked), encoding="utf-8")
    for backend in ("memory", "sqlite"):
        dup_eval.main(["--corpus", str(corpus_file), "--queries", str(queries_file), "--backend", backend])
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [line.get("qid") for line in lines[:2]] == ["copy", 7]
        assert lines[0]["flagged"][0]["id"] == 42 and lines[0]["flagged"][0]["score"] > 0.99
        assert lines[1]["flagged"] == []
        assert all(isinstance(line["ms"], float) for line in lines[:2])
        assert set(lines[2]) == {"summary"} and lines[2]["summary"]["n"] == 200
        assert set(lines[2]["summary"]) == {"build_s", "rss_mb", "n"}
        assert len(lines) == 3
