"""Alembic migrations; they run on SQLite and PostgreSQL (`rolodex db upgrade`)."""
