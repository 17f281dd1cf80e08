"""Activities (events on a customer timeline), their ingestion, and the merged timeline."""
