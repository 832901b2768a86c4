"""Alembic migrations of the ledger schema. Every schema change is a reviewed migration here."""
