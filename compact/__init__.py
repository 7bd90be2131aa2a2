"""Compact: versioned reciprocal promises, reflections and breaches (report Section 3)."""
