"""Saved views: named filter, sort and columns, private or shared."""
