"""Perk campaigns: settings, the suggested list, member statuses, exports and the demo world's past campaigns.

Import the modules directly (core.campaigns.records, .members, .suggest, .mentions, .export, .demo); every function that
reads or writes campaign data takes an Access and is scoped to its workspace.
"""
