"""Value streams, the golden thread and RPIWs (report Sections 6 and 7)."""
