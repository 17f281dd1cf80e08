"""Lifecycle stages, transitions and the LTV ledger."""
