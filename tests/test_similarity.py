"""Duplicate-initiative check (issues 7 and 12): normalisation, features, rarity-weighted scoring, and precision
and recall on the labelled Vietnamese set for the in-memory index and the database index (SQLite always,
PostgreSQL when TEST_DATABASE_URL is set). Run with -s to see the precision/recall table."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from similarity import DEFAULT_THRESHOLD, InMemoryIndex, Match, fold, shared_passages, syllables
from similarity.index import PreparedQuery, fingerprint, pack_fingerprints, unpack_fingerprints
from similarity.normalize import sentences, to_nfc, tokens
from similarity.shingles import hash64, shingle_hashes, shingles
from storage.database import create_engine
from storage.similarity_store import SIMILARITY_TABLES, SqlSimilarityIndex, create_similarity_tables

CASES = yaml.safe_load((Path(__file__).parent / "data" / "similarity_cases.yaml").read_text(encoding="utf-8"))
ORIGINALS = {o["id"]: o for o in CASES["originals"]}


# ------------------------------------------------------------------------------------------------
# The labelled set


def strip_diacritics(text: str) -> str:
    """How people type without a Vietnamese keyboard (independent of the code under test)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def shuffle_sentences(text: str, seed: str) -> str:
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p]
    rng = random.Random(seed)
    for _ in range(10):
        shuffled = parts[:]
        rng.shuffle(shuffled)
        if shuffled != parts:
            break
    return " ".join(shuffled)


@dataclass(frozen=True)
class Probe:
    id: str
    kind: str
    source: int | None  # the original it copies; None for a negative
    title: str
    text: str


def probes() -> list[Probe]:
    out = []
    for p in CASES["probes"]:
        o = ORIGINALS[p["of"]]
        kind = p["kind"]
        title, text = p.get("title", o["title"]), p.get("text", o["text"])
        if "shuffled" in kind:
            text = shuffle_sentences(text, p["id"])
        if "no_diacritics" in kind:
            title, text = strip_diacritics(title), strip_diacritics(text)
        out.append(Probe(p["id"], kind, p["of"], title, text))
    out += [Probe(n["id"], "negative", None, n["title"], n["text"]) for n in CASES["negatives"]]
    return out


def test_labelled_set_is_as_specified() -> None:
    all_probes = probes()
    positives = [p for p in all_probes if p.source is not None]
    negatives = [p for p in all_probes if p.source is None]
    assert len(ORIGINALS) >= 30
    assert len(positives) >= 60
    assert len(negatives) >= 40
    assert {p.kind for p in positives} >= {"exact", "no_diacritics", "shuffled", "paraphrase", "partial"}
    for o in [*ORIGINALS.values(), *CASES["negatives"]]:
        assert 80 <= len(o["text"].split()) <= 250, o.get("id")
    # Every negative shares its topic with at least one original: same vocabulary, different initiative.
    topics = {o["topic"] for o in ORIGINALS.values()}
    assert {n["topic"] for n in CASES["negatives"]} <= topics | {"dat_dai", "moi_truong"}


class Index(Protocol):
    async def query(self, title: str, text: str) -> list[Match]: ...


class _SyncAdapter:
    def __init__(self, index: InMemoryIndex) -> None:
        self.index = index

    async def query(self, title: str, text: str) -> list[Match]:
        return self.index.query(title, text)


async def evaluate(index: Index, label: str) -> tuple[float, float]:
    """Precision and recall at the default threshold, printed per kind of probe."""
    tp = fp = 0
    per_kind: dict[str, list[int]] = {}
    positives = 0
    for p in probes():
        found = [m.doc_id for m in await index.query(p.title, p.text)]
        hit = p.source is not None and p.source in found
        tp += hit
        fp += sum(1 for d in found if d != p.source)
        positives += p.source is not None
        counts = per_kind.setdefault(p.kind, [0, 0, 0])
        counts[0] += hit
        counts[1] += 1
        counts[2] += sum(1 for d in found if d != p.source)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives
    print(f"\n[{label}] threshold {DEFAULT_THRESHOLD}: precision {precision:.3f}, recall {recall:.3f} "
          f"({tp} of {positives} copies found, {fp} false alarms)")
    for kind, (hits, total, alarms) in sorted(per_kind.items()):
        flagged = f"{alarms} flagged" if kind == "negative" else f"{hits}/{total} found, {alarms} wrong"
        print(f"  {kind:24} {total:3} probes: {flagged}")
    return precision, recall


def originals() -> list[tuple[int, str, str]]:
    return [(o["id"], o["title"], o["text"]) for o in ORIGINALS.values()]


# ------------------------------------------------------------------------------------------------
# Normalisation


def test_fold_strips_marks_case_and_punctuation() -> None:
    assert fold("Đổi mới, SÁNG TẠO!  Ứng dụng\tcông nghệ…") == "doi moi sang tao ung dung cong nghe"
    assert fold("Quản lý hồ sơ") == fold("Quan ly ho so") == fold("QUẢN LÝ HỒ SƠ")
    assert fold("Đắk Lắk, đường") == "dak lak duong"
    assert fold("hoà / hòa, thuý / thúy") == "hoa hoa thuy thuy"  # old and new tone placement


def test_fold_accepts_decomposed_input_and_odd_d() -> None:
    nfd = unicodedata.normalize("NFD", "Cải cách hành chính")
    assert fold(nfd) == "cai cach hanh chinh"
    assert fold("Ðồng Nai") == "dong nai"  # Ð (U+00D0) typed for Đ


def test_numbers_and_abbreviations_stay_inside_a_sentence() -> None:
    assert sentences("Tiết kiệm 2.000.000 đ tại TP.HCM. Tỷ lệ 1,5%; xong") == [
        ["tiet", "kiem", "2", "000", "000", "d", "tai", "tp", "hcm"],
        ["ty", "le", "1", "5"],
        ["xong"],
    ]


def test_sentences_break_at_lines_and_closing_punctuation() -> None:
    text = "Bước 1: tiếp nhận\n- trả kết quả! Hỏi: “Khi nào?” Đáp… ngay"
    assert sentences(text) == [["buoc", "1"], ["tiep", "nhan"], ["tra", "ket", "qua"], ["hoi"], ["khi", "nao"],
                               ["dap"], ["ngay"]]


def test_tokens_point_into_the_nfc_text() -> None:
    text = unicodedata.normalize("NFD", "Ứng dụng mã QR, Bộ phận Một cửa.")
    nfc = to_nfc(text)
    toks = tokens(text)
    assert [t.text for t in toks] == syllables(text)
    assert [nfc[t.start : t.end] for t in toks] == ["Ứng", "dụng", "mã", "QR", "Bộ", "phận", "Một", "cửa"]


def test_fast_and_offset_paths_agree_on_every_character() -> None:
    # Stored documents are folded on the fast path, checked texts on the offset path: they must agree.
    for cp in [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070)]:
        ch = chr(cp)
        for text in (f"a{ch}b", f"x {ch}. y", f"a.{ch}b", f"a{ch}.b", f"a\n{ch}\nb.{ch}.c"):
            by_sentence: dict[int, list[str]] = {}
            for t in tokens(text):
                by_sentence.setdefault(t.sentence, []).append(t.text)
            assert sentences(text) == list(by_sentence.values()), hex(cp)


# ------------------------------------------------------------------------------------------------
# Shingles and features


def test_shingle_hashes_are_stable_across_processes() -> None:
    # Stored in the database: these values must never change.
    assert hash64("cai cach hanh") == 9329193452088768711
    assert hash64("ok di") == 16129157419200777665
    assert shingle_hashes("Cải cách hành chính.") == {hash64("cai cach hanh"), hash64("cach hanh chinh")}


def test_shingles_stay_inside_sentences_so_reordering_changes_nothing() -> None:
    a = "Người dân nộp hồ sơ trực tuyến. Cán bộ trả kết quả qua bưu điện."
    b = "Cán bộ trả kết quả qua bưu điện. Người dân nộp hồ sơ trực tuyến."
    assert shingle_hashes(a) == shingle_hashes(b)
    assert {s.hash for s in shingles(a)} == shingle_hashes(a)
    assert len(shingle_hashes("Xong. Đồng ý.")) == 1  # a two-syllable sentence is one shingle


def test_fingerprints_pack_compactly() -> None:
    fp = fingerprint(ORIGINALS[1]["title"], ORIGINALS[1]["text"])
    packed = pack_fingerprints(fp.features)
    assert len(packed) == 4 * len(fp.features)
    assert tuple(unpack_fingerprints(packed)) == fp.features


PREAMBLE = "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND tỉnh Cao Bằng về đẩy mạnh cải cách hành chính."


def test_a_shared_preamble_weighs_by_how_many_stored_initiatives_open_with_it() -> None:
    index = InMemoryIndex()
    index.add_many((o["id"], o["title"], f"{PREAMBLE}\n{o['text']}") for o in ORIGINALS.values())
    new = CASES["negatives"][0]
    # Unweighted, the preamble alone makes a new text look like a stored one; weighted by rarity it is noise.
    q = PreparedQuery(new["title"], f"{PREAMBLE}\n{new['text']}")
    stored = fingerprint(ORIGINALS[1]["title"], f"{PREAMBLE}\n{ORIGINALS[1]['text']}").features
    unweighted = q.score(stored)
    q.weigh(index.df(q.features), len(index))
    assert q.score(stored) < unweighted / 2
    assert index.query(new["title"], f"{PREAMBLE}\n{new['text']}", threshold=0.2) == []
    # A copy with the same preamble is still a copy.
    (match,) = index.query("Tên khác", f"{PREAMBLE}\n{ORIGINALS[3]['text']}")
    assert match.doc_id == 3 and match.score > 0.9


# ------------------------------------------------------------------------------------------------
# Precision and recall on the labelled set


async def test_in_memory_index_precision_and_recall() -> None:
    index = InMemoryIndex()
    index.add_many(originals())
    precision, recall = await evaluate(_SyncAdapter(index), "in-memory")
    assert precision >= 0.9
    assert recall >= 0.9


async def test_in_memory_index_one_by_one_matches_bulk_build() -> None:
    bulk, single = InMemoryIndex(), InMemoryIndex()
    bulk.add_many(originals())
    for doc in originals():
        single.add(*doc)
    for p in probes()[::3]:
        assert bulk.query(p.title, p.text) == single.query(p.title, p.text)


@pytest.fixture
async def engine(empty_database_url: tuple[str, dict[str, Any]]) -> AsyncIterator[AsyncEngine]:
    url, kwargs = empty_database_url
    engine = create_engine(url, **kwargs)
    async with engine.begin() as conn:
        await create_similarity_tables(conn)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def test_sql_index_precision_and_recall(engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
    index = SqlSimilarityIndex(sessions)
    await index.add_many(originals())
    assert await index.count() == len(ORIGINALS)
    precision, recall = await evaluate(index, f"{engine.dialect.name} index")
    assert precision >= 0.9
    assert recall >= 0.9


async def test_sql_index_agrees_with_in_memory_index(sessions: async_sessionmaker[AsyncSession]) -> None:
    memory = InMemoryIndex()
    memory.add_many(originals())
    sql = SqlSimilarityIndex(sessions)
    for doc in originals():
        await sql.add(*doc)
    for p in probes()[::2]:
        assert await sql.query(p.title, p.text) == memory.query(p.title, p.text), p.id


async def test_only_the_similarity_tables_are_created(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert names == {t.name for t in SIMILARITY_TABLES}


# ------------------------------------------------------------------------------------------------
# Updates: add, edit (remove + add), remove


PAPER = (1, "Số hóa sổ hộ tịch", ORIGINALS[19]["text"])
EDITED = "Tổ chức ngày hội đọc sách cho thiếu nhi tại thư viện xã vào mỗi chủ nhật, có cán bộ hướng dẫn."


async def test_in_memory_index_follows_adds_edits_and_removals() -> None:
    index = InMemoryIndex()
    assert index.query(PAPER[1], PAPER[2]) == []
    index.add(*PAPER)
    assert [m.doc_id for m in index.query(PAPER[1], PAPER[2])] == [1]
    assert index.query(PAPER[1], PAPER[2])[0].score == 1.0
    # Edit: the old wording no longer matches, the new one does.
    index.remove(1)
    index.add(1, "Ngày hội đọc sách", EDITED)
    assert index.query(PAPER[1], PAPER[2]) == []
    assert [m.doc_id for m in index.query("Ngày hội đọc sách", EDITED)] == [1]
    # add() on a stored id replaces it as well.
    index.add(1, PAPER[1], PAPER[2])
    assert index.query("Ngày hội đọc sách", EDITED) == []
    assert len(index) == 1
    assert index.remove(1) is True
    assert index.remove(1) is False
    assert index.query(PAPER[1], PAPER[2]) == []
    assert len(index) == 0


async def test_in_memory_index_survives_many_edits() -> None:
    index = InMemoryIndex()
    index.add_many(originals())
    for round_ in range(3):  # enough removals to trigger compaction
        for doc_id, title, text in originals():
            index.remove(doc_id)
            index.add(doc_id, title, text if round_ < 2 else text + " Cập nhật.")
    assert len(index) == len(ORIGINALS)
    for doc_id, title, text in originals():
        assert index.query(title, text)[0].doc_id == doc_id


async def test_sql_index_follows_adds_edits_and_removals(sessions: async_sessionmaker[AsyncSession]) -> None:
    index = SqlSimilarityIndex(sessions)
    assert await index.query(PAPER[1], PAPER[2]) == []
    await index.add(*PAPER)
    assert [m.doc_id for m in await index.query(PAPER[1], PAPER[2])] == [1]
    await index.remove(1)
    await index.add(1, "Ngày hội đọc sách", EDITED)
    assert await index.query(PAPER[1], PAPER[2]) == []
    assert [m.doc_id for m in await index.query("Ngày hội đọc sách", EDITED)] == [1]
    await index.add(1, PAPER[1], PAPER[2])  # replaces
    assert await index.query("Ngày hội đọc sách", EDITED) == []
    assert await index.count() == 1
    assert await index.remove(1) is True
    assert await index.remove(1) is False
    assert await index.query(PAPER[1], PAPER[2]) == []


async def test_sql_index_joins_the_callers_transaction(sessions: async_sessionmaker[AsyncSession]) -> None:
    index = SqlSimilarityIndex(sessions)
    async with sessions() as session:
        await index.add(*PAPER, session=session)
        assert [m.doc_id for m in await index.query(PAPER[1], PAPER[2], session=session)] == [1]
        await session.rollback()
    assert await index.count() == 0


@pytest.mark.parametrize("backend", ["memory", "sql"])
async def test_threshold_exclude_and_top_k(backend: str, sessions: async_sessionmaker[AsyncSession]) -> None:
    docs = [(10, PAPER[1], PAPER[2]), (11, PAPER[1], PAPER[2]), (12, "Khác", EDITED)]
    memory = InMemoryIndex(threshold=0.99)
    sql = SqlSimilarityIndex(sessions, threshold=0.99)
    memory.add_many(docs)
    await sql.add_many(docs)

    async def query(**kw: Any) -> list[int]:
        found = memory.query(PAPER[1], PAPER[2], **kw) if backend == "memory" else await sql.query(
            PAPER[1], PAPER[2], **kw)
        return [m.doc_id for m in found]

    assert await query() == [10, 11]  # the threshold is a setting of the index
    assert await query(exclude={10}) == [11]  # e.g. the initiative being edited
    assert await query(top_k=1) == [10]
    assert await query(threshold=0.0, top_k=5) == [10, 11]  # nothing shared with doc 12


# ------------------------------------------------------------------------------------------------
# Shared passages, for the council's side-by-side view


def test_shared_passages_marks_a_copied_sentence_side_by_side() -> None:
    copied = "Mã QR được sinh tự động từ phần mềm một cửa điện tử, không phát sinh chi phí."
    new = f"Xã tổ chức tiếp nhận hồ sơ vào thứ Bảy. {strip_diacritics(copied)} Người dân rất hài lòng."
    original = ORIGINALS[1]["text"]
    pairs = shared_passages(new, original)
    assert len(pairs) == 1
    mine, theirs = pairs[0]
    assert mine.text == strip_diacritics(copied).rstrip(".")
    assert theirs.text == copied.rstrip(".")
    assert to_nfc(original)[theirs.start : theirs.end] == theirs.text
    assert new[mine.start : mine.end] == mine.text


def test_shared_passages_ignores_short_common_phrases() -> None:
    assert shared_passages("Người dân nộp hồ sơ trực tuyến.", "Hồ sơ của người dân được trả tại nhà.") == []


def test_a_match_carries_the_passages_it_shares() -> None:
    index = InMemoryIndex()
    index.add_many(originals())
    probe = next(p for p in CASES["probes"] if p["id"] == "partial-15")
    (match,) = index.query(probe["title"], probe["text"])
    assert match.doc_id == 1
    texts = [p.text for p in match.shared_passages if p.field == "text"]
    assert "Khi hồ sơ quá hạn, hệ thống tự gửi tin nhắn xin lỗi và hẹn lại ngày trả" in texts
    assert all(probe[p.field][p.start : p.end] == p.text for p in match.shared_passages)
