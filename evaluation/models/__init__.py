"""Self-evaluation: the inspection frameworks a home rates itself against,
kept as rows (``frameworks``: themes, their prompts, the rating scale, the
evidence categories and which measures are evidence for each theme), and each
home's dated evaluations with their ratings, evidence and improvement plan
(``evaluations``)."""

from evaluation.models.evaluations import Evaluation, EvidenceNote, ImprovementAction, Rating
from evaluation.models.frameworks import EvidenceCategory, Framework, RatingLevel, Theme
from evaluation.models.rollups import WeeklyFigures

__all__ = [
    "Evaluation",
    "EvidenceCategory",
    "EvidenceNote",
    "Framework",
    "ImprovementAction",
    "Rating",
    "RatingLevel",
    "Theme",
    "WeeklyFigures",
]
