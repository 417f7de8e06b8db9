"""Reading an agent's reply for the moves of the de-escalation practice (patterns: phrasebook moves.toml).

Pure. `read_moves` runs on every agent reply, so every pattern of the book is tried once per reply;
the thread keeps the result as one letter per move (`encode`), which is what the plan (bot/plan.py)
and the record (bot/case.py) work with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from phrasebook.model import MOVES

# One letter per move, for the thread record (a 60-message thread keeps two of these strings).
LETTERS: dict[str, str] = {
    "acknowledge": "a", "empathy": "e", "validation": "v", "apology": "s", "blanket_apology": "b",
    "summarize": "u", "clarify": "c", "outcome": "o", "options": "2", "timeline": "t",
    "vague_promise": "p", "reframe": "r", "boundary": "B", "escalation": "x", "closing": "k",
}
_BY_LETTER = {letter: move for move, letter in LETTERS.items()}
assert set(LETTERS) == set(MOVES), "every move needs a letter"

# How a reader of replay or a whisper's "why" line names a move.
SAID: dict[str, str] = {
    "acknowledge": "acknowledged", "empathy": "showed empathy", "validation": "validated",
    "apology": "apologised", "blanket_apology": "gave a blanket apology", "summarize": "summed up",
    "clarify": "asked who/what/when", "outcome": "asked the outcome", "options": "offered options",
    "timeline": "gave an exact time", "vague_promise": "made a vague promise", "reframe": "reframed",
    "boundary": "set a boundary", "escalation": "escalated", "closing": "checked it was sorted",
}


_UNSET = object()


def read_moves(book: Any, text: str, boundary: Any = _UNSET) -> frozenset[str]:
    """The moves one agent reply makes (empty for a reply that makes none the book knows).

    `boundary`: the reply's boundary step when the caller has read it already (None: no boundary).
    """
    if not text.strip():
        return frozenset()
    flat = text.replace("\u2019", "'")
    found = {move for move, pattern, unless in _index(book) if pattern.search(flat) and not (unless and unless.search(flat))}
    if boundary is _UNSET:
        from phrasebook import boundary_step_used

        boundary = boundary_step_used(book, flat)
    if boundary is not None:
        found.add("boundary")
    if "timeline" in found:
        found.discard("vague_promise")  # a promise that comes with an exact time is not vague
    if "blanket_apology" in found:
        found.discard("apology")  # "sorry for any inconvenience" apologises for nothing in particular
    return frozenset(found)


def encode(moves: Iterable[str]) -> str:
    """Moves as letters, in the order of MOVES (stable, so equal sets give equal strings)."""
    wanted = set(moves)
    return "".join(LETTERS[m] for m in MOVES if m in wanted)


def decode(letters: str) -> frozenset[str]:
    return frozenset(_BY_LETTER[c] for c in letters if c in _BY_LETTER)


def said(moves: Iterable[str]) -> str:
    """"apologised, made a vague promise" — the moves in words, in the practice's order."""
    wanted = set(moves)
    return ", ".join(SAID[m] for m in MOVES if m in wanted)


def _index(book: Any) -> tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]:
    """Per [[move]] entry, its patterns as one regex (one search per entry on every reply), built once per book."""
    cached = book.__dict__.get("_move_index") if hasattr(book, "__dict__") else None
    if cached is None:
        cached = tuple(
            (cue.move, _joined(cue.patterns), _joined(cue.unless) if cue.unless else None) for cue in getattr(book, "moves", ())
        )
        if hasattr(book, "__dict__"):
            book.__dict__["_move_index"] = cached  # beside the frozen fields, as phrasebook/selector.py does
    return cached


class _AnyOf:
    """Several patterns searched one by one: for a team's patterns that cannot share one regex."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)

    def search(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?\(")


def _joined(patterns: Sequence[re.Pattern[str]]) -> Any:
    if len(patterns) == 1:
        return patterns[0]
    if any(_BACKREF.search(p.pattern) for p in patterns):
        return _AnyOf(patterns)  # group numbers shift inside an alternation
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:  # e.g. two patterns reuse a group name
        return _AnyOf(patterns)


def phrases_making(book: Any, moves: Iterable[str]) -> list[str]:
    """Ids of the book's phrases that make any of these moves when said (an empathy line may apologise too).

    The phrases are read once per book, into move -> ids.
    """
    index = book.__dict__.get("_phrases_by_move")
    if index is None:
        from phrasebook import fill
        from phrasebook.model import KINDS

        index = {}
        for kind in KINDS:
            for phrase in book.phrases(kind):
                for move in read_moves(book, fill(phrase.text)):
                    index.setdefault(move, []).append(phrase.id)
        book.__dict__["_phrases_by_move"] = index
    out: list[str] = []
    for move in moves:
        out += index.get(move, ())
    return out
