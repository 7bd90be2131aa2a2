"""RPIW domain constants shared by the models, the services and the (Django-free) demo
generator ``rpiw.demo_measures``. No Django here."""

MAX_MEASURES_PER_RPIW = 8
MINUTES_PER_UNIT = {"minutes": 1, "hours": 60, "days": 1440}  # lead-time unit → minutes
