"""Dashboards: the trust dashboard, the partnership summary, the TGT monthly report, insight flags.

Panel builders here call each app's selectors and read stored analysis results; they never
re-implement an app's aggregate; the reads they need live in the owning app's selectors.
"""
