"""Improvement networks: name-generator survey and network analysis (Section 5.2)."""
