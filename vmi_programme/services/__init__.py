"""Writes of the programme core: each function validates, runs in a transaction, and is what views, API and the demo call."""
