"""Segments: dynamic (a saved filter) or assigned, system segments and their history."""
