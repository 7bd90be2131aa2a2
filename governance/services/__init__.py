"""Writes of the CI infrastructure: each function validates, runs in a transaction, and is what views, API and the demo call."""
