"""Alembic environment: migrations run on a connection handed in by storage.database."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

# Imported for their side effect: each registers its tables on SQLModel.metadata.
import storage.duplicates
import storage.linking
import storage.models
import storage.review
import storage.similarity_store  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through storage.database.Database.migrate() or `sangkien-bot migrate`.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
