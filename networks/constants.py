"""Networks domain constants shared by the services, the forms and the (Django-free) demo
generator ``networks.demo.networks``. No Django here."""

#: how many people a respondent names in the name generator (unless the question sets its own)
MIN_NAMES, MAX_NAMES = 2, 10
