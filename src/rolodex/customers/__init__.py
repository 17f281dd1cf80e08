"""Customer profiles: schemas, rules, queries, use cases and endpoints."""
