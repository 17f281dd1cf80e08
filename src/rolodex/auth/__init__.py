"""API keys, passwords, principals and role checks."""
