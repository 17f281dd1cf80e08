"""Rolodex: one clean record per customer."""

__version__ = "0.1.0"
