"""Models of the compact app."""
