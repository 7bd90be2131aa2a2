"""Pages of the CI infrastructure: meetings, daily work, priorities and trust context."""
