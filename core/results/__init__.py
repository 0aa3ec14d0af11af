"""Campaign results: mentions of the tracking terms, reach and cost metrics, honest lift, charts and reports.

Import the modules directly (core.results.compute, .lift, .mentions, .charts, .report).
"""
