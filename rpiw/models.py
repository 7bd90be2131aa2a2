"""Models of the rpiw app."""
