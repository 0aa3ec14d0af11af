"""Pieces of the seeded demo world; the public API lives in core.demo.world."""
