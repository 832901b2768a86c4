"""The migration scripts, one per schema revision (alembic reads them by path)."""
