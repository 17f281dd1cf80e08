"""Export of any customer filter to CSV, JSON or NDJSON, streamed."""
