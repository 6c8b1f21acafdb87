"""The duplicate-initiative index in the database (SQLite via aiosqlite, PostgreSQL via asyncpg).

Same API and the same answers as ``similarity.InMemoryIndex`` on the same data: this module only fetches
document frequencies, postings and stored features, and ``similarity.index.PreparedQuery`` plans, ranks and
scores exactly as it does in memory. Three tables, keyed by an index id with no foreign key (an initiative's
id, or an imported older initiative's id negated: ``storage.duplicates``); created by migration 0010:

- ``similarity_doc``: per initiative, its features (sorted little-endian uint32, ~1 kB);
- ``similarity_posting``: one row per feature of an initiative, primary key (feature, doc_id), so every
  initiative holding a feature is one index range scan (a clustered WITHOUT ROWID table on SQLite);
- ``similarity_term``: per feature, how many initiatives hold it (df), kept up to date on every insert and
  removal; the row with feature ``N_KEY`` (-1) holds N, the number of initiatives.

A check is three round trips: the df of the new text's features (and N); the initiatives holding most of the
rarest features (the prefix, ``PreparedQuery.prefix``), counted in the database; the features of the best
candidates. Changing the features
means rebuilding the tables (``bot reindex``, and re-importing older initiatives).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from contextlib import asynccontextmanager
from itertools import islice
from typing import Final

from sqlalchemy import BigInteger, Column, LargeBinary, Table, bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from similarity.index import (
    CANDIDATES,
    DEFAULT_THRESHOLD,
    MARGIN,
    N_KEY,
    Fingerprint,
    Match,
    PreparedQuery,
    discount,
    fingerprint,
    unpack_fingerprints,
)


class SimilarityDoc(SQLModel, table=True):
    __tablename__ = "similarity_doc"

    doc_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    features: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SimilarityPosting(SQLModel, table=True):
    __tablename__ = "similarity_posting"
    __table_args__ = {"sqlite_with_rowid": False}

    feature: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    doc_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))


class SimilarityTerm(SQLModel, table=True):
    __tablename__ = "similarity_term"
    __table_args__ = {"sqlite_with_rowid": False}

    feature: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    df: int = Field(sa_column=Column(BigInteger, nullable=False))


_DOC: Final[Table] = SimilarityDoc.__table__  # type: ignore[attr-defined]
_POSTING: Final[Table] = SimilarityPosting.__table__  # type: ignore[attr-defined]
_TERM: Final[Table] = SimilarityTerm.__table__  # type: ignore[attr-defined]
SIMILARITY_TABLES: Final[list[Table]] = [_DOC, _POSTING, _TERM]
_CHUNK: Final = 500  # ids per IN list: bounded statements


async def create_similarity_tables(conn: AsyncConnection) -> None:
    """Create only this module's tables (SQLModel.metadata also holds everyone else's)."""
    await conn.run_sync(lambda sync: SQLModel.metadata.create_all(sync, tables=SIMILARITY_TABLES))


async def drop_similarity_tables(conn: AsyncConnection) -> None:
    await conn.run_sync(lambda sync: SQLModel.metadata.drop_all(sync, tables=SIMILARITY_TABLES))


_DF_STMT: Final = select(_TERM.c.feature, _TERM.c.df).where(_TERM.c.feature.in_(bindparam("f", expanding=True)))
_HELD = func.count().label("held")
# similarity.index.top_candidates, in the database: only the best CANDIDATES rows come back.
_CANDIDATES_STMT: Final = (
    select(_POSTING.c.doc_id, _HELD)
    .where(_POSTING.c.feature.in_(bindparam("f", expanding=True)))
    .where(_POSTING.c.doc_id.not_in(bindparam("x", expanding=True)))
    .group_by(_POSTING.c.doc_id)
    .order_by(_HELD.desc(), _POSTING.c.doc_id)
    .limit(CANDIDATES)
)
# Stands for "exclude nothing": the smallest BIGINT (imported initiatives have negative ids).
_NO_DOC: Final = -(1 << 63)
_DOCS_STMT: Final = select(_DOC.c.doc_id, _DOC.c.features).where(_DOC.c.doc_id.in_(bindparam("d", expanding=True)))


def _chunks(values: list[int], size: int = _CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
        margin: float = MARGIN,
    ) -> list[Match]:
        """Stored initiatives most like this title and description, best first."""
        q = PreparedQuery(title, text)
        if not q.features:
            return []
        async with self._connection(session, write=False) as conn:
            df: dict[int, int] = {}
            for chunk in _chunks([N_KEY, *q.features]):
                df.update((await conn.execute(_DF_STMT, {"f": chunk})).all())
            n = df.pop(N_KEY, 0)
            df = {f: c for f, c in df.items() if c > 0}
            excluded = (await conn.execute(_DOCS_STMT, {"d": list(exclude)})).all() if exclude else []
            df, n = discount(df, n, [unpack_fingerprints(blob) for _, blob in excluded])
            q.weigh(df, n)
            prefix = q.prefix(df)
            if not prefix:
                return []
            params = {"f": prefix, "x": list(exclude) or [_NO_DOC]}
            ranked = [doc_id for doc_id, _ in await conn.execute(_CANDIDATES_STMT, params)]
            stored: dict[int, bytes] = {}
            for chunk in _chunks(ranked):
                stored.update((await conn.execute(_DOCS_STMT, {"d": chunk})).all())
        candidates = [(doc_id, unpack_fingerprints(stored[doc_id])) for doc_id in ranked if doc_id in stored]
        threshold = self.threshold if threshold is None else threshold
        return q.matches(candidates, top_k=top_k, threshold=threshold, margin=margin)

    async def count(self, *, session: AsyncSession | None = None) -> int:
        async with self._connection(session, write=False) as conn:
            return int((await conn.execute(select(func.count()).select_from(_DOC))).scalar_one())

    @staticmethod
    async def _delete(conn: AsyncConnection, doc_ids: list[int]) -> int:
        rows = (await conn.execute(select(_DOC.c.doc_id, _DOC.c.features).where(_DOC.c.doc_id.in_(doc_ids)))).all()
        if not rows:
            return 0
        held: Counter[int] = Counter()
        postings = []
        for doc_id, blob in rows:
            feats = unpack_fingerprints(blob)
            held.update(feats)
            postings.extend((f, doc_id) for f in feats)
        for start in range(0, len(postings), _CHUNK):  # bounded statements, each a few PK lookups
            chunk = postings[start : start + _CHUNK]
            await conn.execute(delete(_POSTING).where(tuple_(_POSTING.c.feature, _POSTING.c.doc_id).in_(chunk)))
        held[N_KEY] = len(rows)
        by_count: dict[int, list[int]] = {}
        for f, c in held.items():
            by_count.setdefault(c, []).append(f)
        for c, feats in sorted(by_count.items()):
            for chunk in _chunks(sorted(feats)):  # in key order, so concurrent writers lock rows alike
                await conn.execute(update(_TERM).where(_TERM.c.feature.in_(chunk)).values(df=_TERM.c.df - c))
        await conn.execute(delete(_TERM).where(_TERM.c.df <= 0, _TERM.c.feature != N_KEY))
        await conn.execute(delete(_DOC).where(_DOC.c.doc_id.in_([doc_id for doc_id, _ in rows])))
        return len(rows)

    @staticmethod
    async def _insert(conn: AsyncConnection, prints: list[tuple[int, Fingerprint]]) -> None:
        docs = [(doc_id, fp.packed()) for doc_id, fp in prints]
        # In key order, rows land next to each other in the (feature, doc_id) B-tree.
        postings = sorted((f, doc_id) for doc_id, fp in prints for f in fp.features)
        held: Counter[int] = Counter(f for f, _ in postings)
        held[N_KEY] = len(prints)
        terms = sorted(held.items())
        dialect = conn.dialect
        if dialect.name == "postgresql" and dialect.driver == "asyncpg":
            # COPY is several times faster than batched INSERTs for millions of posting rows.
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.copy_records_to_table(_DOC.name, records=docs, columns=["doc_id", "features"])
            await raw.copy_records_to_table(_POSTING.name, records=postings, columns=["feature", "doc_id"])
            if len(terms) > 1000:
                await conn.exec_driver_sql(
                    "CREATE TEMP TABLE IF NOT EXISTS similarity_term_add (feature BIGINT, df BIGINT) ON COMMIT DROP"
                )
                await raw.copy_records_to_table("similarity_term_add", records=terms, columns=["feature", "df"])
                await conn.exec_driver_sql(
                    f"INSERT INTO {_TERM.name} (feature, df) SELECT feature, df FROM similarity_term_add "
                    f"ORDER BY feature ON CONFLICT (feature) DO UPDATE SET df = {_TERM.name}.df + excluded.df"
                )
                await conn.exec_driver_sql("TRUNCATE similarity_term_add")
                return
            stmt = pg_insert(_TERM)
            upsert = stmt.on_conflict_do_update(
                index_elements=[_TERM.c.feature], set_={"df": _TERM.c.df + stmt.excluded.df}
            )
            await conn.execute(
                upsert,
                [{"feature": f, "df": c} for f, c in terms],
            )
            return
        # SQLite (and others): plain tuples straight to the driver; SQLAlchemy's per-row parameter handling
        # would cost more than the database's own insert.
        await conn.exec_driver_sql(f"INSERT INTO {_DOC.name} (doc_id, features) VALUES (?, ?)", docs)
        await conn.exec_driver_sql(f"INSERT INTO {_POSTING.name} (feature, doc_id) VALUES (?, ?)", postings)
        await conn.exec_driver_sql(
            f"INSERT INTO {_TERM.name} (feature, df) VALUES (?, ?) "
            f"ON CONFLICT (feature) DO UPDATE SET df = {_TERM.name}.df + excluded.df",
            terms,
        )
