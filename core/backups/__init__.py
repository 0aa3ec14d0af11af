"""Backup folders: every table as checksummed Parquet, restored without running anything from the folder."""
