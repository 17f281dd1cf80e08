"""Tamper-evident audit log: recording, hash chain, verification, history, erasure."""
