"""The phrasebook: phrasings an agent can use (TOML data), how they are chosen, and the wording coach."""

from phrasebook.check import main_check
from phrasebook.coach import Finding, coach, rewrite
from phrasebook.fill import fill
from phrasebook.loader import check_phrasebook, load_phrasebook, shipped_languages
from phrasebook.model import (
    KINDS,
    PLACEHOLDERS,
    REGISTERS,
    CoachRule,
    Phrase,
    Phrasebook,
    PhrasebookError,
    Problem,
)
from phrasebook.selector import (
    Moment,
    Suggestion,
    boundary_step_used,
    choose,
    context_triggers,
    plan,
    suggest,
)

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "REGISTERS",
    "CoachRule",
    "Finding",
    "Moment",
    "Phrase",
    "Phrasebook",
    "PhrasebookError",
    "Problem",
    "Suggestion",
    "boundary_step_used",
    "check_phrasebook",
    "choose",
    "coach",
    "context_triggers",
    "fill",
    "load_phrasebook",
    "main_check",
    "plan",
    "rewrite",
    "shipped_languages",
    "suggest",
]
