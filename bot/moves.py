"""Reading an agent's reply for the moves of the de-escalation practice (patterns: phrasebook moves.toml).

Pure. `read_moves` runs on every agent reply, so every pattern of the book is tried once per reply;
the thread keeps the result as one letter per move (`encode`), which is what the plan (bot/plan.py)
and the record (bot/case.py) work with.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def read_moves(book: Any, text: str) -> frozenset[str]:
    """The moves one agent reply makes (empty for a reply that makes none the book knows)."""
    if not text.strip():
        return frozenset()
    flat = text.replace("\u2019", "'")
    found = {cue.move for cue in getattr(book, "moves", ()) if cue.matches(flat)}
    from phrasebook import boundary_step_used

    if boundary_step_used(book, flat) is not None:
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
