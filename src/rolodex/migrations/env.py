"""Alembic environment: runs with a connection handed in by rolodex.migrations.runner."""

from __future__ import annotations

from alembic import context

from rolodex.models import Base

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    # The search index (migration 0003) is kept by triggers, not models: never autogenerate it.
    return not (
        type_ == "table" and name is not None and name.startswith(("customer_search", "search_"))
    )


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
