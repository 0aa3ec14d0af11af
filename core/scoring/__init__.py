"""Sway's influence score: who others react to, weighted by who reacts, explained, with history and gaming flags.

Import the modules directly: refresh (compute and store), preview, params, runs (the stored runs)."""
