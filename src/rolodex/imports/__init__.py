"""Bulk import of CSV, JSON and NDJSON files: mapping, validation, matching, revert."""
