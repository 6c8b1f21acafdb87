"""Measure the duplicate check on your own data (issue 12).

    .venv/bin/python bench/dup_eval.py --corpus CORPUS.jsonl --queries QUERIES.jsonl \\
        [--backend memory|sqlite|postgres] [--database-url URL] [--threshold T]

CORPUS lines: {"id": int, "title": str, "description": str}; QUERIES lines: {"qid": any, "title": str,
"description": str}; other fields are ignored. The corpus is loaded into the chosen backend as filing indexes it
(the description as the author's own text), then each query gets the filing check (``record_filing``: the same
call, top 5, at the configured threshold, default ``similarity.DEFAULT_THRESHOLD``). Output, one JSON line per
query in order: {"qid": …, "flagged": [{"id": int, "score": float}, …], "ms": float}, ``ms`` being the check
alone; then {"summary": {"build_s": …, "rss_mb": …, "n": …}}. Nothing else goes to stdout.

SQLite runs in a temporary file unless --database-url is given; PostgreSQL needs --database-url (or
TEST_DATABASE_URL) and works in a scratch schema that is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from handlers.duplicates import FLAGGED
from similarity import DEFAULT_THRESHOLD, InMemoryIndex
from storage.database import create_engine
from storage.similarity_store import SqlSimilarityIndex, create_similarity_tables


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def docs(corpus: Path) -> Iterator[tuple[int, str, str]]:
    for row in read_jsonl(corpus):
        yield int(row["id"]), str(row.get("title") or ""), str(row.get("description") or "")


def run_memory(args: argparse.Namespace) -> None:
    index = InMemoryIndex(threshold=args.threshold)
    start = time.perf_counter()
    index.add_many(docs(args.corpus))
    build = time.perf_counter() - start
    for q in read_jsonl(args.queries):
        t = time.perf_counter()
        found = index.query(str(q.get("title") or ""), str(q.get("description") or ""), top_k=FLAGGED)
        ms = (time.perf_counter() - t) * 1000
        emit({"qid": q.get("qid"), "flagged": [{"id": m.doc_id, "score": m.score} for m in found], "ms": round(ms, 3)})
    emit({"summary": {"build_s": round(build, 2), "rss_mb": round(rss_mb(), 1), "n": len(index)}})


async def run_sql(args: argparse.Namespace) -> None:
    url = args.database_url
    kwargs: dict[str, Any] = {}
    schema = None
    scratch = None
    if args.backend == "sqlite" and not url:
        scratch = tempfile.NamedTemporaryFile(suffix=".db", delete=False)  # noqa: SIM115
        url = f"sqlite+aiosqlite:///{scratch.name}"
    if args.backend == "postgres":
        url = url or os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            raise SystemExit("--backend postgres needs --database-url or TEST_DATABASE_URL")
        schema = f"dup_eval_{uuid.uuid4().hex[:8]}"
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await admin.dispose()
    engine = create_engine(url, **kwargs)
    try:
        async with engine.begin() as conn:
            await create_similarity_tables(conn)
        index = SqlSimilarityIndex(async_sessionmaker(engine, expire_on_commit=False), threshold=args.threshold)
        start = time.perf_counter()
        await index.add_many(docs(args.corpus))
        if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            async with engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("VACUUM ANALYZE"))
        build = time.perf_counter() - start
        for q in read_jsonl(args.queries):
            t = time.perf_counter()
            found = await index.query(str(q.get("title") or ""), str(q.get("description") or ""), top_k=FLAGGED)
            ms = (time.perf_counter() - t) * 1000
            emit({"qid": q.get("qid"), "flagged": [{"id": m.doc_id, "score": m.score} for m in found],
                  "ms": round(ms, 3)})
        emit({"summary": {"build_s": round(build, 2), "rss_mb": round(rss_mb(), 1), "n": await index.count()}})
    finally:
        await engine.dispose()
        if schema:
            admin = create_engine(url)
            async with admin.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            await admin.dispose()
        if scratch:
            Path(scratch.name).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--queries", type=Path, required=True)
    ap.add_argument("--backend", choices=("memory", "sqlite", "postgres"), default="memory")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = ap.parse_args(argv)
    if args.backend == "memory":
        run_memory(args)
    else:
        asyncio.run(run_sql(args))


if __name__ == "__main__":
    main()
