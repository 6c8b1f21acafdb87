"""The duplicate-initiative index in the database (SQLite via aiosqlite, PostgreSQL via asyncpg).

Same API and same results as ``similarity.InMemoryIndex``; nothing is kept in process memory.
Two tables, keyed by an index id with no foreign key: an initiative's id, or an imported older initiative's
id negated (``storage.duplicates``); created by migration 0007:

- ``similarity_doc``: per initiative, its shingle fingerprints (sorted little-endian uint32, ~1 kB)
  and its LSH band keys (little-endian int64, 0.5 kB; with one-row bands they are the MinHash
  signature, each value tagged with its bin);
- ``similarity_band``: one row per band key of an initiative, primary key (band_key, doc_id) so a
  lookup by key is an index range scan (a clustered WITHOUT ROWID table on SQLite). Removing an
  initiative deletes its rows by (band_key, doc_id), from the keys kept in ``similarity_doc``, so no
  second index is needed. Changing the shingling or the banding means rebuilding both tables.

A check is one round trip: for each LSH key of the new text, at most ``KEY_POSTINGS_CAP`` postings
are read; candidates are ranked as in the in-memory index (``similarity.index.key_weight``), the
best ``CANDIDATES`` come back with their fingerprints, and Python verifies them exactly.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from itertools import islice
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    LargeBinary,
    Select,
    Table,
    bindparam,
    cast,
    delete,
    desc,
    func,
    insert,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from similarity import minhash
from similarity.index import (
    CANDIDATES,
    DEFAULT_THRESHOLD,
    KEY_POSTINGS_CAP,
    Fingerprint,
    Match,
    PreparedQuery,
    fingerprint,
    unpack_fingerprints,
)


class SimilarityDoc(SQLModel, table=True):
    __tablename__ = "similarity_doc"

    doc_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    shingles: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    band_keys: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SimilarityBand(SQLModel, table=True):
    __tablename__ = "similarity_band"
    __table_args__ = {"sqlite_with_rowid": False}

    band_key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    doc_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))


_DOC: Final[Table] = SimilarityDoc.__table__  # type: ignore[attr-defined]
_BAND: Final[Table] = SimilarityBand.__table__  # type: ignore[attr-defined]
SIMILARITY_TABLES: Final[list[Table]] = [_DOC, _BAND]
_NO_KEY: Final = -1  # pads the key list so every check runs the same (cached) statement
# Stands for "exclude nothing"; the smallest BIGINT, since callers may use negative ids (imported older
# initiatives are indexed under their id negated: storage/duplicates.py).
_NO_DOC: Final = -(1 << 63)


async def create_similarity_tables(conn: AsyncConnection) -> None:
    """Create only this module's tables (SQLModel.metadata also holds everyone else's)."""
    await conn.run_sync(lambda sync: SQLModel.metadata.create_all(sync, tables=SIMILARITY_TABLES))


async def drop_similarity_tables(conn: AsyncConnection) -> None:
    await conn.run_sync(lambda sync: SQLModel.metadata.drop_all(sync, tables=SIMILARITY_TABLES))


def _candidates_statement(n_keys: int) -> Select[Any]:
    """Best candidates for keys k0..k{n-1}: doc_id and fingerprints, by summed key weight, at most :lim."""
    per_key = []
    for i in range(n_keys):
        postings = (
            select(_BAND.c.band_key, _BAND.c.doc_id)
            .where(_BAND.c.band_key == bindparam(f"k{i}", type_=BigInteger))
            .order_by(_BAND.c.doc_id)
            .limit(bindparam("cap", type_=BigInteger))
            .subquery(f"p{i}")
        )
        per_key.append(select(postings.c.band_key, postings.c.doc_id))
    hits = union_all(*per_key).subquery("hits")
    weighted = select(
        hits.c.doc_id,
        # similarity.index.key_weight, with df = postings read for the key
        (literal(1.0, Float) + literal(1.0, Float) / cast(func.count().over(partition_by=hits.c.band_key), Float))
        .label("w"),
    ).subquery("weighted")
    weight = func.sum(weighted.c.w).label("weight")
    ranked = (
        select(weighted.c.doc_id, weight)
        .where(weighted.c.doc_id.not_in(bindparam("exclude", expanding=True)))
        .group_by(weighted.c.doc_id)
        .order_by(desc(weight), weighted.c.doc_id)
        .limit(bindparam("lim", type_=BigInteger))
        .subquery("ranked")
    )
    return select(_DOC.c.doc_id, _DOC.c.shingles).join_from(ranked, _DOC, _DOC.c.doc_id == ranked.c.doc_id)


_CANDIDATES_STMT: Final = _candidates_statement(minhash.BINS // minhash.ROWS)


def _pack_keys(keys: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(keys)}q", *keys)


def _unpack_keys(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 8}q", data)


class SqlSimilarityIndex:
    """The duplicate-initiative index over SQLAlchemy async.

    ``session_factory`` is e.g. an ``async_sessionmaker``. Each method may instead be given the
    caller's ``session`` to run inside the caller's transaction (e.g. the one that stores the
    initiative); then nothing is committed here.
    """

    def __init__(
        self, session_factory: Callable[[], AsyncSession], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self._sessions = session_factory
        self.threshold = threshold

    @asynccontextmanager
    async def _connection(self, session: AsyncSession | None, *, write: bool) -> AsyncIterator[AsyncConnection]:
        if session is not None:
            yield await session.connection()
            return
        async with self._sessions() as own:
            if write:
                async with own.begin():
                    yield await own.connection()
            else:
                yield await own.connection()

    async def add(self, doc_id: int, title: str, text: str, *, session: AsyncSession | None = None) -> None:
        """Index an initiative, replacing what was indexed under the same id (an edit)."""
        fp = fingerprint(title, text)
        async with self._connection(session, write=True) as conn:
            await self._delete(conn, [doc_id])
            await self._insert(conn, [(doc_id, fp)])

    async def add_many(self, docs: Iterable[tuple[int, str, str]], *, batch_size: int = 5000) -> None:
        """Bulk (re)indexing of (doc_id, title, text) items, one transaction per batch."""
        it = iter(docs)
        while batch := list(islice(it, batch_size)):
            prints = [(doc_id, fingerprint(title, text)) for doc_id, title, text in batch]
            async with self._connection(None, write=True) as conn:
                await self._delete(conn, [doc_id for doc_id, _ in prints])
                await self._insert(conn, prints)

    async def remove(self, doc_id: int, *, session: AsyncSession | None = None) -> bool:
        async with self._connection(session, write=True) as conn:
            return await self._delete(conn, [doc_id]) > 0

    async def query(
        self,
        title: str,
        text: str,
        *,
        top_k: int = 5,
        threshold: float | None = None,
        exclude: Collection[int] = (),
        session: AsyncSession | None = None,
    ) -> list[Match]:
        """Stored initiatives most like this title and description, best first."""
        q = PreparedQuery(title, text)
        if not q.keys:
            return []
        n = minhash.BINS // minhash.ROWS
        params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(q.keys)}
        params.update({f"k{i}": _NO_KEY for i in range(len(q.keys), n)})
        params.update(cap=KEY_POSTINGS_CAP, lim=CANDIDATES, exclude=list(exclude) or [_NO_DOC])
        async with self._connection(session, write=False) as conn:
            rows = (await conn.execute(_CANDIDATES_STMT, params)).all()
        candidates = [(doc_id, unpack_fingerprints(blob)) for doc_id, blob in rows]
        return q.matches(candidates, top_k=top_k, threshold=self.threshold if threshold is None else threshold)

    async def count(self, *, session: AsyncSession | None = None) -> int:
        async with self._connection(session, write=False) as conn:
            return int((await conn.execute(select(func.count()).select_from(_DOC))).scalar_one())

    @staticmethod
    async def _delete(conn: AsyncConnection, doc_ids: list[int]) -> int:
        rows = (await conn.execute(
            select(_DOC.c.doc_id, _DOC.c.band_keys).where(_DOC.c.doc_id.in_(doc_ids))
        )).all()
        if not rows:
            return 0
        postings = [(key, doc_id) for doc_id, keys in rows for key in _unpack_keys(keys)]
        for start in range(0, len(postings), 500):  # bounded statements, each a few PK lookups
            chunk = postings[start : start + 500]
            await conn.execute(delete(_BAND).where(tuple_(_BAND.c.band_key, _BAND.c.doc_id).in_(chunk)))
        await conn.execute(delete(_DOC).where(_DOC.c.doc_id.in_([doc_id for doc_id, _ in rows])))
        return len(rows)

    @staticmethod
    async def _insert(conn: AsyncConnection, prints: list[tuple[int, Fingerprint]]) -> None:
        docs = [(doc_id, fp.packed_shingles(), _pack_keys(fp.keys)) for doc_id, fp in prints]
        # In key order, rows land next to each other in the (band_key, doc_id) B-tree.
        bands = sorted((key, doc_id) for doc_id, fp in prints for key in fp.keys)
        dialect = conn.dialect
        if dialect.name == "postgresql" and dialect.driver == "asyncpg":
            # COPY is several times faster than batched INSERTs for millions of band rows.
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.copy_records_to_table(_DOC.name, records=docs, columns=["doc_id", "shingles", "band_keys"])
            if bands:
                await raw.copy_records_to_table(_BAND.name, records=bands, columns=["band_key", "doc_id"])
        elif dialect.name == "sqlite":
            # Plain tuples straight to the driver: SQLAlchemy's per-row parameter handling would
            # cost more than SQLite's own insert.
            await conn.exec_driver_sql(f"INSERT INTO {_DOC.name} (doc_id, shingles, band_keys) VALUES (?, ?, ?)", docs)
            if bands:
                await conn.exec_driver_sql(f"INSERT INTO {_BAND.name} (band_key, doc_id) VALUES (?, ?)", bands)
        else:
            await conn.execute(insert(_DOC), [dict(zip(("doc_id", "shingles", "band_keys"), d, strict=True))
                                              for d in docs])
            if bands:
                await conn.execute(insert(_BAND), [{"band_key": k, "doc_id": d} for k, d in bands])
