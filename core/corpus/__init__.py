"""The shipped samples of real labelled text (see ATTRIBUTION.md)."""
