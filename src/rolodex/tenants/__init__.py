"""Tenants, users and API keys: creation and authentication."""
