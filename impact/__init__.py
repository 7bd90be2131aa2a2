"""Impact: RPIW t-tests, organisational ITS against peers, SPC (Sections 7 and 8)."""
