"""The phrasebook's values: kinds of phrasing, phrases, coach rules, problems and the loaded book."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

# One TOML file per kind; the order is the order a newcomer reads them in (listen → solve → close).
KINDS: tuple[str, ...] = (
    "acknowledge",
    "empathy",
    "validation",
    "apology",
    "summarize",
    "clarify",
    "outcome",
    "options",
    "expectations",
    "reframe",
    "boundary",
    "escalation",
    "closing",
    "recovery",
)

TITLES: Mapping[str, str] = MappingProxyType(
    {
        "acknowledge": "Acknowledge",
        "empathy": "Empathy",
        "validation": "Validation",
        "apology": "Apology",
        "summarize": "Summarize",
        "clarify": "Clarify",
        "outcome": "Ask the outcome",
        "options": "Offer options",
        "expectations": "Set expectations",
        "reframe": "Reframe",
        "boundary": "Boundary",
        "escalation": "Escalation",
        "closing": "Closing",
        "recovery": "Reset",
    }
)

REGISTERS: tuple[str, ...] = ("warm", "formal")
PLACEHOLDERS: tuple[str, ...] = ("customer", "issue", "timeframe")
BOUNDARY_STEPS: tuple[int, ...] = (1, 2, 3)
COACH_FILE = "coach"  # coach.toml holds the wording rules, beside the kind files
MOVES_FILE = "moves"  # moves.toml holds the patterns that read an agent's reply for its moves
# What an agent's reply can do, in the practice's words (boundary steps come from boundary.toml cues).
MOVES: tuple[str, ...] = (
    "acknowledge",
    "empathy",
    "validation",
    "apology",
    "blanket_apology",
    "summarize",
    "clarify",
    "outcome",
    "options",
    "timeline",
    "vague_promise",
    "reframe",
    "boundary",
    "escalation",
    "closing",
)


@dataclass(frozen=True)
class Phrase:
    """One phrasing an agent may use, with the tags that say when it fits."""

    id: str
    kind: str
    text: str
    triggers: frozenset[str] = frozenset()  # empty: fits whatever the trouble is
    levels: frozenset[str] = frozenset()  # empty: fits every level
    step: int | None = None  # boundary phrases only: 1 request, 2 final warning, 3 end
    register: str = "warm"


@dataclass(frozen=True)
class CoachRule:
    """Agent wording to avoid: what to look for, why it hurts, and what to say instead."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    why: str
    reframe: str  # replacement words; may use \\1 for a pattern's groups


@dataclass(frozen=True)
class BoundaryCue:
    """Words that show an agent set a boundary of one step, however they phrased it ([[cue]] in boundary.toml)."""

    id: str
    step: int
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()  # the cue does not count when one of these matches too

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns) and not any(p.search(text) for p in self.unless)


@dataclass(frozen=True)
class MoveCue:
    """Words that show an agent's reply made one move ([[move]] in moves.toml)."""

    id: str
    move: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns) and not any(p.search(text) for p in self.unless)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a phrasebook file, precise enough to fix without reading code."""

    file: str
    entry: str | None
    reason: str

    def __str__(self) -> str:
        if self.entry is None:
            return f"{self.file}: {self.reason}"
        return f"{self.file}: {self.entry}: {self.reason}"


class PhrasebookError(Exception):
    """Raised when a phrasebook cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Phrasebook:
    """A validated, merged phrasebook for one language."""

    language: str
    by_kind: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict, repr=False, compare=False)
    rules: tuple[CoachRule, ...] = ()
    cues: tuple[BoundaryCue, ...] = ()
    moves: tuple[MoveCue, ...] = ()

    def phrases(self, kind: str) -> tuple[Phrase, ...]:
        """Every enabled phrase of one kind, in file order."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
        return self.by_kind.get(kind, ())

    def get(self, phrase_id: str) -> Phrase | None:
        """The phrase with this id, or None."""
        for phrases in self.by_kind.values():
            for phrase in phrases:
                if phrase.id == phrase_id:
                    return phrase
        return None

    def __len__(self) -> int:
        return sum(len(p) for p in self.by_kind.values())
