"""Dashboards: the trust dashboard, the partnership summary, the TGT monthly report, insight flags.

Panel builders here call each app's selectors and read stored analysis results; they never
re-implement an app's aggregate. Reads an app does not offer yet live in ``missing_selectors``,
named for the app they belong to, until the app's owner moves them.
"""
