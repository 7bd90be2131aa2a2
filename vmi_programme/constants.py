"""Dates of the NHS-VMI programme that the apps (not only the demo) rely on."""

import datetime as dt

#: The partnership began in July 2015: the start of the programme's time series.
PROGRAMME_START = dt.date(2015, 7, 1)
