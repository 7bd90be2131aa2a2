"""Reads of the programme core: bounded queries with the related rows their callers need."""
