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
    low = flat.lower()  # most of the index's patterns were lowered to match it (see _Matcher)
    found = {
        move for move, pattern, unless in _index(book) if pattern.search(low, flat) and not (unless and unless.search(low, flat))
    }
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


def _index(book: Any) -> tuple[tuple[str, "_Matcher", "_Matcher | None"], ...]:
    """Per [[move]] entry, its patterns as one matcher (one search per entry on every reply), built once per book."""
    cached = book.__dict__.get("_move_index") if hasattr(book, "__dict__") else None
    if cached is None:
        cached = tuple(
            (cue.move, _Matcher.of(cue.patterns), _Matcher.of(cue.unless) if cue.unless else None)
            for cue in getattr(book, "moves", ())
        )
        if hasattr(book, "__dict__"):
            book.__dict__["_move_index"] = cached  # beside the frozen fields, as phrasebook/selector.py does
    return cached


class _Matcher:
    """An entry's patterns searched as one regex in lowered text, or one by one (IGNORECASE) in the text itself.

    Lowered patterns in lowered text find what IGNORECASE finds, at about half the cost on every agent
    reply (escapes are kept as written). A pattern where lowering could change the meaning (a
    case-sensitive group, a character given by its code) or that cannot share an alternation (a
    back-reference) keeps the entry on the plain path.
    """

    def __init__(self, joined: re.Pattern[str] | None, each: tuple[re.Pattern[str], ...] = ()) -> None:
        self.joined, self.each = joined, each

    @classmethod
    def of(cls, patterns: Sequence[re.Pattern[str]]) -> "_Matcher":
        sources = [_lowered(p.pattern) for p in patterns]
        if all(s is not None for s in sources):
            try:
                return cls(re.compile("|".join(f"(?:{s})" for s in sources)))
            except re.error:  # e.g. two patterns reuse a group name
                pass
        return cls(None, tuple(re.compile(p.pattern, re.IGNORECASE) for p in patterns))

    def search(self, low: str, flat: str) -> bool:
        if self.joined is not None:
            return self.joined.search(low) is not None
        return any(p.search(flat) for p in self.each)


# Lowering could change these: \x41, \u0041, \N{…}, \101 name characters by code; (?-i:…) is case-sensitive;
# back-references shift inside an alternation.
_KEEP = re.compile(r"\\[xuUN0-9]|\(\?[a-zA-Z]*-|\(\?P=|\\g<|\(\?\(")


def _lowered(source: str) -> str | None:
    """The pattern with its letters lowered and its escapes as written; None when that could change it."""
    if _KEEP.search(source):
        return None
    out, i = [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source):
            out.append(source[i : i + 2])
            i += 2
            continue
        out.append(source[i].lower())
        i += 1
    return "".join(out)


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


def prepare(book: Any) -> Any:
    """Build what reading moves needs (the patterns, the phrases' own moves) once, before traffic; returns the book."""
    _index(book)
    phrases_making(book, ())
    return book
