"""Durable jobs in the application database: queue (enqueue, claim, retry, dead letters),
worker loop, handler registry by kind. How to add a kind: see rolodex.jobs.registry."""
