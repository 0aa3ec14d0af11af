"""Sway's influence score: who others react to, weighted by who reacts, explained, with history and gaming flags."""

from core.scoring.params import ScoreParams, ScoringError
from core.scoring.preview import preview
from core.scoring.refresh import BackfillReport, RefreshReport, backfill_history, refresh

__all__ = [
    "BackfillReport",
    "RefreshReport",
    "ScoreParams",
    "ScoringError",
    "backfill_history",
    "preview",
    "refresh",
]
