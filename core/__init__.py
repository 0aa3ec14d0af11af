"""Sway core: everything testable without Streamlit (warehouse, ingest, demo world, scoring)."""
