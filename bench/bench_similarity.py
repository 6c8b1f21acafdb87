"""Benchmark and evaluation of the duplicate check on a corpus it was never tuned on (issue 12).

    .venv/bin/python bench/dup_corpus.py --n 100000 --queries 50 --out /tmp/dup     # once: the data
    .venv/bin/python bench/bench_similarity.py --data /tmp/dup [--backend memory|sqlite|postgres|all]
                                               [--pg-url URL] [--trgm-queries 10]

Per backend: build time, memory or database size, time to add one initiative, p50/p95/p99 of the filing
check, and per kind of query the share whose top flag is the true source (recall), the share of flagged
queries whose top flag is the true source (precision), and for genuinely new texts the share flagged at all
(false alarms). The in-memory pass also prints, per kind, the true source's score beside the best unrelated
score and the background (10th best candidate) the margin is measured from, so the threshold and margin
are chosen on evidence. SQL backends are compared with the in-memory answers query by query. PostgreSQL
(--pg-url or TEST_DATABASE_URL) runs in a scratch schema, together with pg_trgm GiST KNN on the same corpus
(folded title and description) for a subset of the queries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handlers.duplicates import FLAGGED
from similarity import DEFAULT_THRESHOLD, InMemoryIndex, fold
from similarity.index import BACKGROUND_RANK, MARGIN
from storage.database import create_engine
from storage.similarity_store import SqlSimilarityIndex, create_similarity_tables

Answer = list[tuple[int, float]]


def load(data: Path) -> tuple[list[tuple[int, str, str]], list[dict[str, Any]]]:
    with (data / "corpus.jsonl").open(encoding="utf-8") as f:
        corpus = [(int(r["id"]), r["title"], r["description"]) for r in map(json.loads, f)]
    with (data / "queries.jsonl").open(encoding="utf-8") as f:
        queries = [json.loads(line) for line in f]
    return corpus, queries


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


@dataclass
class Result:
    name: str
    build_s: float
    size: str
    add_ms: float
    answers: list[Answer]
    times: list[float]
    notes: list[str] = field(default_factory=list)


def tally(name: str, queries: Sequence[dict[str, Any]], answers: Sequence[Answer]) -> None:
    """Per kind: recall and precision of "the top flag is the true source", false alarms on new texts."""
    kinds: dict[str, list[tuple[dict[str, Any], Answer]]] = {}
    for q, a in zip(queries, answers, strict=True):
        kinds.setdefault(q["kind"], []).append((q, a))
    print(f"\n  {name}: per kind (top flag = true source)")
    print(f"  {'kind':10} {'n':>4} {'recall':>7} {'precision':>9} {'any flag':>8}")
    hits = flagged_copies = copies = 0
    for kind, rows in kinds.items():
        n = len(rows)
        flagged = [a for _, a in rows if a]
        if kind == "new":
            print(f"  {kind:10} {n:4} {'':>7} {'':>9} {len(flagged) / n:8.1%}  ← false alarms")
            continue
        top = sum(1 for q, a in rows if a and a[0][0] == q["source"])
        hits += top
        flagged_copies += len(flagged)
        copies += n
        prec = top / len(flagged) if flagged else 1.0
        print(f"  {kind:10} {n:4} {top / n:7.1%} {prec:9.1%} {len(flagged) / n:8.1%}")
    print(f"  {'all copies':10} {copies:4} {hits / copies:7.1%} {hits / max(flagged_copies, 1):9.1%}")


def distributions(index: InMemoryIndex, queries: Sequence[dict[str, Any]]) -> None:
    """True source's score beside the best unrelated score and the background, per kind (min / median / max)."""
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for q in queries:
        found = index.query(q["title"], q["description"], threshold=0.0, margin=0.0, top_k=50)
        true = next((m.score for m in found if m.doc_id == q["source"]), 0.0)
        unrelated = max((m.score for m in found if m.doc_id != q["source"]), default=0.0)
        background = found[BACKGROUND_RANK - 1].score if len(found) >= BACKGROUND_RANK else 0.0
        rows.setdefault(q["kind"], []).append((true, unrelated, background))

    def spread(values: list[float]) -> str:
        return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"

    print("\n  score distributions, min / median / max (in memory, every candidate scored)")
    print(f"  {'kind':10} {'true source':>18} {'best unrelated':>18} {'background':>18} "
          f"{'true−bg min':>11} {'unrel−bg max':>12}")
    for kind, values in rows.items():
        true = [v[0] for v in values]
        unrelated = [v[1] for v in values]
        background = [v[2] for v in values]
        gap_true = min(t - b for t, _, b in values) if kind != "new" else float("nan")
        gap_unrel = max(u - b for _, u, b in values)
        print(f"  {kind:10} {spread(true) if kind != 'new' else '—':>18} {spread(unrelated):>18} "
              f"{spread(background):>18} {gap_true:11.2f} {gap_unrel:12.2f}")
    print(f"  flagged: score ≥ {DEFAULT_THRESHOLD} and (score ≥ 0.8 or score − background ≥ {MARGIN})")


def timed(queries: Sequence[dict[str, Any]], check: Callable[[str, str], Answer]) -> tuple[list[Answer], list[float]]:
    answers, times = [], []
    for q in queries:
        t = time.perf_counter()
        answers.append(check(q["title"], q["description"]))
        times.append((time.perf_counter() - t) * 1000)
    return answers, times


def bench_memory(corpus: list[tuple[int, str, str]], queries: list[dict[str, Any]], extra: list) -> Result:
    before = rss_mb()
    index = InMemoryIndex()
    t = time.perf_counter()
    index.add_many(corpus)
    build = time.perf_counter() - t
    size = f"index ~{index.approx_bytes() / 2**20:.0f} MB (peak RSS +{rss_mb() - before:.0f} MB while building)"
    adds = []
    for doc in extra:
        t = time.perf_counter()
        index.add(*doc)
        adds.append((time.perf_counter() - t) * 1000)
    for doc in extra:
        index.remove(doc[0])
    answers, times = timed(
        queries, lambda ti, de: [(m.doc_id, m.score) for m in index.query(ti, de, top_k=FLAGGED)]
    )
    result = Result("in memory", build, size, statistics.median(adds), answers, times)
    report(result, queries)
    distributions(index, queries)
    return result


async def bench_sql(name: str, engine: AsyncEngine, corpus, queries, extra) -> Result:  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:
        await create_similarity_tables(conn)
    index = SqlSimilarityIndex(async_sessionmaker(engine, expire_on_commit=False))
    t = time.perf_counter()
    await index.add_many(corpus)
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that lets the
        # candidate count read the (feature, doc_id) primary key alone, without visiting the table.
        async with engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("VACUUM ANALYZE"))
    build = time.perf_counter() - t
    adds = []
    for doc in extra:
        t = time.perf_counter()
        await index.add(*doc)
        adds.append((time.perf_counter() - t) * 1000)
    for doc in extra:
        await index.remove(doc[0])
    answers, times = [], []
    for q in queries:
        t = time.perf_counter()
        found = await index.query(q["title"], q["description"], top_k=FLAGGED)
        times.append((time.perf_counter() - t) * 1000)
        answers.append([(m.doc_id, m.score) for m in found])
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            size_b = (await conn.execute(text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                "AND c.relkind = 'r' AND c.relname LIKE 'similarity_%'"
            ))).scalar_one()
        else:
            pages = (await conn.execute(text("PRAGMA page_count"))).scalar_one()
            size_b = pages * (await conn.execute(text("PRAGMA page_size"))).scalar_one()
    result = Result(name, build, f"database {int(size_b) / 2**20:.0f} MB", statistics.median(adds), answers, times)
    report(result, queries)
    return result


async def bench_trgm(engine: AsyncEngine, corpus, queries) -> Result:  # type: ignore[no-untyped-def]
    """pg_trgm GiST KNN over the folded title and description, top 5 by distance."""
    async with engine.begin() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        await conn.execute(text("CREATE TABLE trgm_doc (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"))
    t = time.perf_counter()
    async with engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(
            "trgm_doc", records=[(i, fold(f"{ti}\n{de}")) for i, ti, de in corpus], columns=["id", "body"]
        )
        await conn.execute(text("CREATE INDEX trgm_doc_gist ON trgm_doc USING gist (body gist_trgm_ops)"))
        await conn.execute(text("ANALYZE trgm_doc"))
    build = time.perf_counter() - t
    answers, times = [], []
    stmt = text("SELECT id, similarity(body, :q) AS s FROM trgm_doc ORDER BY body <-> :q LIMIT 5")
    async with engine.connect() as conn:
        for q in queries:
            body = fold(f"{q['title']}\n{q['description']}")
            t = time.perf_counter()
            rows = (await conn.execute(stmt, {"q": body})).all()
            times.append((time.perf_counter() - t) * 1000)
            # pg_trgm's own default similarity threshold (0.3) decides what is flagged.
            answers.append([(int(i), round(float(s), 4)) for i, s in rows if s >= 0.3])
    result = Result("pg_trgm GiST KNN", build, "", 0.0, answers, times)
    report(result, queries)
    return result


def report(r: Result, queries: Sequence[dict[str, Any]]) -> None:
    print(f"\n== {r.name}: build {r.build_s:.1f} s, {r.size}, add one {r.add_ms:.1f} ms, check "
          f"p50 {pct(r.times, 50):.1f} / p95 {pct(r.times, 95):.1f} / p99 {pct(r.times, 99):.1f} ms "
          f"({len(queries)} queries)")
    tally(r.name, queries, r.answers)


def agreement(a: Result, b: Result) -> None:
    same = sum(x == y for x, y in zip(a.answers, b.answers, strict=True))
    print(f"\n  {b.name} vs {a.name}: identical flags and scores for {same} of {len(a.answers)} queries")


async def run_postgres(url: str, corpus, queries, extra, trgm_queries: int, memory: Result | None) -> None:  # type: ignore[no-untyped-def]
    schema = f"bench_dup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        result = await bench_sql("PostgreSQL", engine, corpus, queries, extra)
        if memory:
            agreement(memory, result)
        if trgm_queries:
            subset = [q for i, q in enumerate(queries) if i % max(1, len(queries) // trgm_queries) == 0]
            print(f"\n  pg_trgm on {len(subset)} of the queries (same corpus, same run)")
            await bench_trgm(engine, corpus, subset)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


async def run_sqlite(corpus, queries, extra, memory: Result | None) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp}/bench.db")
        try:
            result = await bench_sql("SQLite", engine, corpus, queries, extra)
            if memory:
                agreement(memory, result)
        finally:
            await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="directory with corpus.jsonl and queries.jsonl")
    ap.add_argument("--backend", choices=("memory", "sqlite", "postgres", "all"), default="all")
    ap.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    ap.add_argument("--trgm-queries", type=int, default=110)
    args = ap.parse_args(argv)
    corpus, queries = load(args.data)
    top = max(i for i, _, _ in corpus)
    extra = [(top + 1 + i, q["title"], q["description"]) for i, q in enumerate(queries[:20])]
    print(f"{len(corpus):,} stored initiatives, {len(queries)} queries; threshold {DEFAULT_THRESHOLD}, "
          f"margin {MARGIN}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    memory = bench_memory(corpus, queries, extra) if args.backend in ("memory", "all") else None
    if args.backend in ("sqlite", "all"):
        asyncio.run(run_sqlite(corpus, queries, extra, memory))
    if args.backend in ("postgres", "all"):
        if args.pg_url:
            asyncio.run(run_postgres(args.pg_url, corpus, queries, extra, args.trgm_queries, memory))
        else:
            print("\nPostgreSQL skipped: no --pg-url or TEST_DATABASE_URL")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
