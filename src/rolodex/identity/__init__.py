"""Identity resolution: matching keys, scoring, match on ingest, duplicates, merge and undo."""
