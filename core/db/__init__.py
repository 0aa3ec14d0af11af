"""The warehouse: its file, numbered migrations, connections, status, backup and restore."""
