"""Scoring: a pure function from catalog + answers to a score tree (no Qt, no I/O)."""

from desktop.scoring.engine import score
from desktop.scoring.tree import ScoreNode, ScoreTree

__all__ = ["ScoreNode", "ScoreTree", "score"]
