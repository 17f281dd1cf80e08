"""Finding customers: text search, the filter language, sorting and keyset pages.

- ``text``: normalization, typo keys and distances, relevance score (pure).
- ``filters`` / ``params``: the filter language (JSON or a query string) and the list's query
  parameters turned into it (pure).
- ``sql``: the engine-specific index SQL (triggers, FTS5, tsvector, pg_trgm), used by the
  migration; ``repository``: the index lookups; ``conditions``: filters compiled to SQL.
- ``service``: the customer list (relevance or column sorts), counts and scopes, for the
  API, segment members, exports and stats.
"""
