"""duplicate index by rare features: postings of every feature and document frequencies (issue 12)

Replaces the MinHash band table (``similarity_band``) and the old ``similarity_doc`` by ``similarity_doc``
(features), ``similarity_posting`` and ``similarity_term``, and fills them again from what was indexed before:
every filed initiative (any status but draft) and every imported older initiative, so nothing has to be
re-imported.

Revision ID: 0010
Revises: 0009
"""

import json
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_new() -> None:
    op.create_table(
        "similarity_doc",
        sa.Column("doc_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    op.create_table(
        "similarity_posting",
        sa.Column("feature", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("doc_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("feature", "doc_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "similarity_term",
        sa.Column("feature", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("df", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("feature"),
        sqlite_with_rowid=False,
    )


def _refill() -> None:
    from handlers.duplicates import indexed_text
    from similarity.index import N_KEY, fingerprint

    bind = op.get_bind()
    docs: list[tuple[int, str, str]] = []
    for initiative_id, data in bind.execute(sa.text("SELECT id, data FROM initiative WHERE status != 'draft'")):
        if isinstance(data, str):
            data = json.loads(data)
        docs.append((initiative_id, *indexed_text(data or {})))
    for legacy_id, title, description in bind.execute(sa.text("SELECT id, title, description FROM legacy_initiative")):
        docs.append((-legacy_id, title, description or ""))
    if not docs:
        return
    held: Counter[int] = Counter()
    doc_rows, posting_rows = [], []
    for doc_id, title, text in docs:
        fp = fingerprint(title, text)
        doc_rows.append({"doc_id": doc_id, "features": fp.packed()})
        posting_rows.extend({"feature": f, "doc_id": doc_id} for f in fp.features)
        held.update(fp.features)
    held[N_KEY] = len(docs)
    meta = sa.MetaData()
    doc = sa.Table("similarity_doc", meta, sa.Column("doc_id", sa.BigInteger), sa.Column("features", sa.LargeBinary))
    posting = sa.Table(
        "similarity_posting", meta, sa.Column("feature", sa.BigInteger), sa.Column("doc_id", sa.BigInteger)
    )
    term = sa.Table("similarity_term", meta, sa.Column("feature", sa.BigInteger), sa.Column("df", sa.BigInteger))
    bind.execute(doc.insert(), doc_rows)
    bind.execute(posting.insert(), posting_rows)
    bind.execute(term.insert(), [{"feature": f, "df": c} for f, c in held.items()])


def upgrade() -> None:
    op.drop_table("similarity_band")
    op.drop_table("similarity_doc")
    _create_new()
    _refill()


def downgrade() -> None:
    # The MinHash index cannot be rebuilt here: run `bot reindex` after downgrading (older initiatives are
    # indexed again when re-imported).
    op.drop_table("similarity_term")
    op.drop_table("similarity_posting")
    op.drop_table("similarity_doc")
    op.create_table(
        "similarity_band",
        sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("doc_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("band_key", "doc_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "similarity_doc",
        sa.Column("doc_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("shingles", sa.LargeBinary(), nullable=False),
        sa.Column("band_keys", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
    )
