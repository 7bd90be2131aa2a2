"""The CI infrastructure domain: governance meetings, daily work, priorities and trust context."""
