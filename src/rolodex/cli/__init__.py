"""The `rolodex` command: one file per command group."""
