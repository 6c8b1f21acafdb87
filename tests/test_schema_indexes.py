"""The indexes declared on the models (storage/models.py ``__table_args__``) are the ones the migrations create: a
migration without its mirror in the models, or the reverse, leaves a database unlike the code that reads it."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables' metadata)
from storage.database import Database


def _index_differences(connection: Connection) -> list[Any]:
    differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    return [d for d in differences if isinstance(d, tuple) and d[0] in ("add_index", "remove_index")]


async def test_the_models_declare_exactly_the_indexes_the_migrations_create(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    try:
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(_index_differences)
        assert differences == []
    finally:
        await database.dispose()
