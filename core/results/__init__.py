"""Campaign results: mentions of the tracking terms, reach and cost metrics, honest lift, charts and reports.

Import the modules directly (core.results.compute, .lift, .control, .charts, .report); the mention matching
they use lives with campaigns (core.campaigns.mentions).
"""
