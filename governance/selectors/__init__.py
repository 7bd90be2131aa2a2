"""Reads of the CI infrastructure: bounded queries with the related rows their callers need."""
