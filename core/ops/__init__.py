"""User operations (refresh, import, erase, rebuild, retrain...): one function each, holding its lock,
in one transaction, authorized against stored membership and written to the audit log."""
