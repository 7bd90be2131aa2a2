"""RPIW domain constants shared by the models, the services, the selectors and the (Django-free)
demo generator ``rpiw.demo.measures``. No Django here."""

import datetime as dt

MAX_MEASURES_PER_RPIW = 8
MINUTES_PER_UNIT = {"minutes": 1, "hours": 60, "days": 1440}  # lead-time unit → minutes
REPORT_AS_AT = dt.date(2019, 7, 31)  # Table 7.1 is "as at July 2019"
#: "post" in Tables 7.2 and 7.3: the follow-up this many days after the workshop
DEFAULT_POST_DAY = 90
#: RPIW dates outside these are typing slips (a workshop in 9999 would overflow its follow-up
#: due dates); the model's clean() and the import refuse them.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
