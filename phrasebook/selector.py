"""Choosing what to whisper: the kinds that fit this moment, then 2–3 phrasings that fit their tags.

Pure and deterministic: the same book, moment, thread history and seed give the same suggestion.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Collection, Sequence

from bot.vocabulary import LEVELS, SEVERE, TRIGGERS, level_index
from phrasebook.fill import fill
from phrasebook.model import KINDS, TITLES, Phrase, Phrasebook

# Detector flags that say the same thing as a trigger tag on a phrase.
_FLAG_TRIGGERS = {
    "abusive": "abuse",
    "threat": "threat",
    "hate": "hate",
    "authority": "authority",
    "churn": "churn",
    "repeat": "repeat_contact",
}

STEP_NAMES = {1: "respectful request", 2: "final warning", 3: "end and follow up in writing"}

# Words an agent may type after `/deescalate <kind>`, mapped to the trigger they hint at (prefix match).
_CONTEXT_HINTS: dict[str, tuple[str, ...]] = {
    "delay": ("late", "delay", "wait", "slow", "overdue", "days", "weeks", "tard", "esper", "retras"),
    "repeat_contact": ("again", "third", "second", "repeat", "already", "otra", "vez"),
    "transfer": ("transfer", "bounc", "passed", "handed", "transfer"),
    "refund": ("refund", "reimburs", "money", "reembols", "devoluc"),
    "billing": ("bill", "charg", "invoice", "payment", "overcharg", "subscription", "cobr", "factur", "pago"),
    "outage": ("outage", "down", "offline", "unavailable", "crash", "caíd", "caid"),
    "defect": ("defect", "faulty", "broken", "damag", "bug", "roto", "defect", "fall"),
    "churn": ("cancel", "leav", "competitor", "switch", "baja"),
    "legal": ("lawyer", "legal", "chargeback", "court", "regulator", "abogad"),
    "public": ("review", "twitter", "social", "public", "reseña"),
    "authority": ("manager", "supervisor", "boss", "senior", "gerente", "jefe"),
    "compensation": ("compensat", "credit", "discount", "voucher", "compens", "descuent"),
    "abuse": ("rude", "insult", "abus", "swear", "insult"),
    "threat": ("threat", "amenaz"),
}

_WORD = re.compile(r"\w+(?:'\w+)?")
_STOPWORDS = frozenset(
    "the a an and or but to of in on for with at by from it is are was be been this that these those "
    "i i'm i'll i've me my we we'll we're our you you're your yours they them their he she his her "
    "so if as not do does did have has had will would can could should may might just also there here "
    "el la los las un una y o de del en con por para que es lo le les se su sus mi me te tu yo usted "
    "nos nuestro nuestra al".split()
)


@dataclass(frozen=True)
class Moment:
    """What the selector sees of a thread right now (built from the detector's output)."""

    level: str
    rising: bool = False
    flags: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()
    boundary_step: int = 0  # boundary steps already whispered in this thread (0..3)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}; levels are: {', '.join(LEVELS)}")

    @property
    def tags(self) -> frozenset[str]:
        """Triggers plus the flags that mean a trigger, in the phrasebook's words."""
        return self.triggers | {_FLAG_TRIGGERS[f] for f in self.flags if f in _FLAG_TRIGGERS}


@dataclass(frozen=True)
class Suggestion:
    """A whisper's content: a title and (phrase id, filled text) pairs, mostly of one kind."""

    kind: str
    title: str
    phrases: tuple[tuple[str, str], ...]
    step: int | None = None  # for boundary suggestions: the step these phrases belong to


# Troubles in the order they matter: the first group a moment touches decides the plan and
# which phrasings lead (naming a repeat contact matters more than the fault behind it).
_URGENT: tuple[frozenset[str], ...] = (SEVERE, frozenset({"abuse"}), frozenset({"authority", "legal"}))
_SPECIFIC: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"repeat_contact", "transfer"}), ("apology", "expectations")),
    (frozenset({"delay", "outage", "defect"}), ("apology", "expectations")),
    (frozenset({"billing", "refund"}), ("apology", "options")),
    (frozenset({"compensation", "churn"}), ("outcome", "options")),
    (frozenset({"public"}), ("validation", "outcome")),
    (frozenset({"repeat_question"}), ("summarize", "expectations")),
    (frozenset({"terse"}), ("clarify", "outcome")),
)


def plan(moment: Moment) -> tuple[tuple[str, ...], int | None]:
    """The kinds that fit this moment, primary first, and the boundary step if one is due."""
    tags = moment.tags
    heated = level_index(moment.level) >= level_index("tense")
    if tags & SEVERE:
        return ("escalation",), None
    if "abuse" in tags:
        return ("boundary",), min(moment.boundary_step + 1, 3)
    if tags & {"authority", "legal"}:
        return ("escalation",), None
    if moment.level == "calm":
        return (), None  # nothing worth interrupting the agent for
    for group, kinds in _SPECIFIC:
        if tags & group:
            if moment.rising or heated:
                return (kinds[0], "empathy", *kinds[1:]), None
            return kinds, None
    if moment.rising:
        return ("acknowledge", "empathy", "validation"), None
    if moment.level == "heated":
        return ("empathy", "validation", "outcome"), None
    if moment.level == "tense":
        return ("empathy", "acknowledge"), None
    return ("acknowledge",), None


def focus(tags: frozenset[str]) -> frozenset[str]:
    """The triggers that matter most right now; phrasings naming them lead."""
    for group in (*_URGENT, *(g for g, _ in _SPECIFIC)):
        if tags & group:
            return tags & group
    return frozenset()


def choose(
    book: Phrasebook,
    moment: Moment,
    *,
    offered: Collection[str] = (),
    seed: int = 0,
    count: int = 3,
    customer: str | None = None,
    issue: str | None = None,
    timeframe: str | None = None,
    skip: Collection[str] = (),
    kinds: Sequence[str] | None = None,
) -> Suggestion | None:
    """What to whisper for this moment; None when the moment is calm and there is nothing to say.

    `skip`: kinds the agent has just done themselves (an apology they already made); the others lead,
    unless they are all the moment has. `kinds`: the kinds to voice, primary first, when the thread's
    plan (bot/plan.py) has chosen them; otherwise the moment decides.
    """
    if kinds:
        kinds, step = tuple(kinds), None
    else:
        kinds, step = plan(moment)
    if not kinds:
        return None
    kinds = tuple(k for k in kinds if k not in skip) or kinds
    slots = _slots(kinds, count)
    picked: list[Phrase] = []
    tags = moment.tags
    ranks: dict[str, list[Phrase]] = {}
    taken: set[str] = set()  # ids, not phrases: comparing dataclasses field by field is the slow way
    for kind in dict.fromkeys(slots):
        ranked = ranks[kind] = _rank(book, kind, tags, moment.level, step, offered, seed)
        fresh = [p for p in ranked if p.id not in taken][: slots.count(kind)]
        picked += fresh
        taken.update(p.id for p in fresh)
    if len(picked) < count:  # a thin kind: top up from the others in plan order
        for kind in kinds:
            ranked = ranks[kind] if kind in ranks else _rank(book, kind, tags, moment.level, step, offered, seed)
            fresh = [p for p in ranked if p.id not in taken][: count - len(picked)]
            picked += fresh
            taken.update(p.id for p in fresh)
    if not picked:
        return None
    return _suggestion(book, kinds[0], picked, step, customer, issue, timeframe)


def suggest(
    book: Phrasebook,
    kind: str,
    context: str = "",
    *,
    offered: Collection[str] = (),
    seed: int = 0,
    count: int = 3,
    step: int | None = None,
    customer: str | None = None,
    issue: str | None = None,
    timeframe: str | None = None,
) -> Suggestion:
    """Phrasings of one kind an agent asked for, matched to the words they typed (`/deescalate apology late delivery`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    if kind == "boundary":
        step = step or 1
    tags = context_triggers(context)
    words = _content_words(context)
    ranked = _rank(book, kind, tags, None, step, offered, seed, words)
    if not ranked:  # nothing fits the context: any phrasing of the kind beats an empty whisper
        ranked = _rank(book, kind, frozenset(TRIGGERS), None, step, offered, seed, words)
    return _suggestion(book, kind, ranked[:count], step if kind == "boundary" else None, customer, issue, timeframe)


def context_triggers(context: str) -> frozenset[str]:
    """Triggers hinted at by free text an agent typed."""
    words = [w.lower() for w in _WORD.findall(context)]
    found = {t for t in TRIGGERS if t in words or t.replace("_", " ") in context.lower()}
    for trigger, stems in _CONTEXT_HINTS.items():
        if any(w.startswith(stem) for w in words for stem in stems):
            found.add(trigger)
    return frozenset(found)


def boundary_step_used(book: Phrasebook, text: str) -> int | None:
    """The boundary step an agent's message sets, or None: the highest of the phrase it resembles and the cues it matches.

    Agents rarely paste a phrasing as offered: they edit it, wrap it, or say it their own way. A
    message "resembles" a phrase when it holds most of the phrase's content words; the book's
    [[cue]] patterns catch the own-words versions. On the message path for every agent reply, so
    the phrases' word sets are computed once per book.
    """
    flat = text.replace("\u2019", "'")
    message = _content_words(flat)
    index = _boundary_index(book)
    best: tuple[float, float, int] | None = None
    for step, words in index.phrases:
        shared = len(words & message)
        if not shared:
            continue
        # Containment says "the phrase is in there"; Jaccard breaks ties toward the closest phrase.
        score = (shared / len(words), shared / len(words | message), step)
        if best is None or score > best:
            best = score
    steps = [best[2]] if best and best[0] >= RESEMBLES else []
    if index.any_cue is None or index.any_cue.search(flat):
        steps += [cue.step for cue in book.cues if cue.matches(flat)]
    return max(steps) if steps else None


RESEMBLES = 0.7  # share of a boundary phrase's content words an agent's message must hold


@dataclass(frozen=True)
class _BoundaryIndex:
    phrases: tuple[tuple[int, frozenset[str]], ...]  # (step, content words) per boundary phrase
    any_cue: re.Pattern[str] | None  # every cue pattern in one regex: most replies match none, in one pass


def _boundary_index(book: Phrasebook) -> _BoundaryIndex:
    """What boundary_step_used compares against, built once per book (the book is immutable)."""
    cached = book.__dict__.get("_boundary_index")
    if cached is None:
        phrases = tuple(
            (p.step, words) for p in book.phrases("boundary") if p.step is not None and (words := _content_words(fill(p.text)))
        )
        cached = _BoundaryIndex(phrases, _one_regex([p.pattern for cue in book.cues for p in cue.patterns]))
        # Frozen dataclass: store beside the fields the way functools.cached_property does.
        book.__dict__["_boundary_index"] = cached
    return cached


def _one_regex(patterns: list[str]) -> re.Pattern[str] | None:
    """An alternation of all patterns, or None when that would change what one of them means."""
    if not patterns or any(_BACKREF.search(p) for p in patterns):
        return None  # group numbers shift inside an alternation: check the patterns one by one
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error:  # e.g. a team's patterns reuse a group name
        return None


_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?\(")


def _slots(kinds: Sequence[str], count: int) -> list[str]:
    """Primary kind fills what the others leave: (apology, expectations), 3 → apology ×2, expectations ×1."""
    others = list(kinds[1:count])
    return [kinds[0]] * max(count - len(others), 1) + others


def _rank(
    book: Phrasebook,
    kind: str,
    tags: frozenset[str],
    level: str | None,
    step: int | None,
    offered: Collection[str],
    seed: int,
    words: frozenset[str] = frozenset(),
) -> list[Phrase]:
    """Phrases that fit, best first: not yet offered, naming this trouble, at this level; seeded order within ties."""
    fitting = [
        p for p in _phrase_index(book).by_id[kind] if (step is None or p.step == step) and (not p.triggers or p.triggers & tags)
    ]
    random.Random(f"{seed}:{kind}:{step}").shuffle(fitting)
    history: dict[str, int] = {}
    for i, pid in enumerate(offered):
        history.setdefault(pid, i)  # repeat the oldest first: where an id was first offered
    lead = focus(tags)
    content = _phrase_index(book).words if words else None

    def key(p: Phrase) -> tuple:
        seen = history.get(p.id)
        return (
            seen is not None,
            seen or 0,
            -len(p.triggers & lead),
            -len(p.triggers & tags),
            -len(words & content[p.id]) if content is not None else 0,
            level is not None and bool(p.levels) and level not in p.levels,
        )

    return sorted(fitting, key=key)


@dataclass(frozen=True)
class _PhraseIndex:
    by_id: dict[str, tuple[Phrase, ...]]  # kind -> its phrases sorted by id (the shuffle's stable start)
    words: dict[str, frozenset[str]]  # phrase id -> content words of its text, for matching an agent's context
    filled: dict[str, str]  # phrase id -> its text filled with nothing known (what a whisper shows)


def _phrase_index(book: Phrasebook) -> _PhraseIndex:
    """Per-phrase data the selector needs on every whisper, computed once per book (the book is immutable)."""
    cached = book.__dict__.get("_phrase_index")
    if cached is None:
        every = [p for kind in KINDS for p in book.phrases(kind)]
        cached = _PhraseIndex(
            by_id={kind: tuple(sorted(book.phrases(kind), key=lambda p: p.id)) for kind in KINDS},
            words={p.id: _content_words(p.text) for p in every},
            filled={p.id: fill(p.text) for p in every},
        )
        book.__dict__["_phrase_index"] = cached  # beside the frozen fields, as in _boundary_index
    return cached


def boundary_title(step: int) -> str:
    """A boundary whisper's header words: "Boundary, step 2 of 3: final warning"."""
    return f"Boundary, step {step} of 3: {STEP_NAMES[step]}"


def _suggestion(book, kind, picked, step, customer, issue, timeframe) -> Suggestion:
    kinds = list(dict.fromkeys(p.kind for p in picked)) or [kind]
    title = " + ".join(TITLES[k] for k in kinds)
    if kind == "boundary" and step:
        title = boundary_title(step)
    if customer is None and issue is None and timeframe is None:
        known = _phrase_index(book).filled  # the usual whisper: nothing to fill in, filled once per book
        filled = tuple((p.id, known[p.id]) for p in picked)
    else:
        filled = tuple((p.id, fill(p.text, customer, issue, timeframe)) for p in picked)
    return Suggestion(kind=kind, title=title, phrases=filled, step=step)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2)
