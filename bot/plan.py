"""The thread's plan: the de-escalation steps in the seeds' order, which of them the agents have done,
and the next missing step that fits the moment (what an ordinary whisper suggests).

Pure. Boundary steps and escalation are not chosen here: abuse climbs the boundary ladder, and
threats or a manager request call for a supervisor at once (bot/whisper.py keeps those rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.moves import decode, said
from bot.vocabulary import level_index


@dataclass(frozen=True)
class PlanStep:
    """One step of the practice: the phrasebook kinds that voice it and the agent moves that do it."""

    code: str  # one letter in the thread record
    name: str
    kinds: tuple[str, ...]  # phrasebook kinds, the first one leads the whisper
    done_by: frozenset[str]  # agent moves that count as having taken this step
    next: str  # the whisper's header: "Next: <next>"

    @property
    def title(self) -> str:
        """The whisper's header words (one place: the record's codec rebuilds titles from it)."""
        return f"Next: {self.next}"


def _step(code: str, name: str, kinds: tuple[str, ...], done_by: Iterable[str], next: str) -> PlanStep:
    return PlanStep(code, name, kinds, frozenset(done_by), next)


# The seeds' order: listen and acknowledge → validate and empathise → apologise for the specific thing,
# once → summarise and clarify → ask the wanted outcome → two options with an exact time → follow through.
STEPS: tuple[PlanStep, ...] = (
    _step("l", "acknowledge", ("acknowledge", "validation"), {"acknowledge", "empathy", "validation", "apology", "summarize"},
          "acknowledge what went wrong"),
    _step("f", "empathise", ("empathy", "validation"), {"empathy", "validation"}, "show you understand why they're upset"),
    _step("a", "apologise", ("apology", "empathy"), {"apology"}, "apologise for the specific thing, once"),
    _step("c", "clarify", ("summarize", "clarify"), {"summarize", "clarify"}, "sum up what happened and check the details"),
    _step("o", "outcome", ("outcome",), {"outcome", "options"}, "ask what would put this right"),
    _step("2", "options", ("options", "expectations"), {"options"}, "offer two options with an exact time"),
    _step("w", "follow through", ("expectations", "closing"), {"timeline", "closing"}, "give an exact time and follow through"),
)
# Not in the order: the answer to a vague promise ("looking into it", "asap").
EXACT_TIME = _step("t", "exact time", ("expectations", "options"), {"timeline"}, "swap the vague promise for an exact time")
BY_CODE = {s.code: s for s in (*STEPS, EXACT_TIME)}

# Troubles an apology for the specific thing answers best (the selector's own table agrees).
_APOLOGY_TROUBLES = frozenset({"repeat_contact", "transfer", "delay", "outage", "defect", "billing", "refund"})
_REPEATED = frozenset({"repeat_contact", "repeat_question", "repeat"})  # asking them for details again would grate


@dataclass(frozen=True)
class Progress:
    """What the plan knows of a thread: the agents' moves and what was whispered before."""

    done: frozenset[str] = frozenset()  # moves the agents made anywhere in the thread
    recent: frozenset[str] = frozenset()  # moves of their last two messages
    last_vague: bool = False  # their latest message was a vague promise
    whispered: str = ""  # plan step codes already whispered, oldest first
    last_kind: str | None = None  # the kind of the last whisper of any sort

    @classmethod
    def of(cls, moves: str, recent: Iterable[str], whispered: str, last_kind: str | None) -> "Progress":
        """From the record's letters: all moves, the last two messages' moves (oldest first)."""
        recent = list(recent)[-2:]
        return cls(
            done=decode(moves),
            recent=frozenset().union(*(decode(r) for r in recent)) if recent else frozenset(),
            last_vague="vague_promise" in decode(recent[-1]) if recent else False,
            whispered=whispered,
            last_kind=last_kind,
        )


@dataclass(frozen=True)
class Choice:
    """The step to whisper and why that one."""

    step: PlanStep
    reason: str  # "vague": answers a vague promise · "trouble": the customer's trouble calls for it · "next": next in order

    @property
    def title(self) -> str:
        return self.step.title


def next_step(progress: Progress, level: str, tags: Iterable[str] = ()) -> Choice | None:
    """The next missing step that fits the moment, or None when the plan has nothing new to say."""
    tags = frozenset(tags)
    spent_kinds = {BY_CODE[c].kinds[0] for c in progress.whispered if c in BY_CODE}

    def open_(step: PlanStep, done: frozenset[str]) -> bool:
        return (
            not (step.done_by & done)
            and not (step.done_by & progress.recent)  # never what they did in their last two messages
            and step.code not in progress.whispered  # each step once per thread
            and step.kinds[0] not in spent_kinds
            and step.kinds[0] != progress.last_kind  # never the same kind twice in a row
        )

    if progress.last_vague and open_(EXACT_TIME, progress.recent):
        return Choice(EXACT_TIME, "vague")
    heated = level_index(level) >= level_index("tense")
    troubled = bool(tags & _APOLOGY_TROUBLES)
    for step in STEPS:
        if not open_(step, progress.done):
            continue
        if step.name == "acknowledge" and (heated or troubled):
            continue  # acknowledging alone is too little for a tense customer or a named trouble
        if step.name == "empathise" and troubled and open_(STEPS[2], progress.done):
            return Choice(STEPS[2], "trouble")  # the apology for the specific thing first; empathy rides along
        if step.name == "clarify" and tags & _REPEATED:
            continue  # someone asking for the third time should not be asked for details again
        return Choice(step, "next")
    return None


def avoid(progress: Progress) -> frozenset[str]:
    """Moves a suggestion's phrasings should not make: what the agents just did, and an apology once made."""
    return progress.recent | (progress.done & {"apology"})


def why(choice: Choice, progress: Progress) -> str:
    """One line for the whisper and for replay: what the agents already did, and why this step."""
    done = said(progress.done - {"boundary"}) or "nothing from the plan yet"
    because = {
        "vague": "the last reply promised without a time",
        "trouble": "the customer named a specific trouble",
        "next": "it is the next step not yet taken",
    }[choice.reason]
    return f"done so far: {done} · {because}"


# Steps that are not chosen by the plan but still named in replay and the record: they get through at once.
ESCALATE = _step("x", "escalate", ("escalation",), {"escalation"}, "bring in a supervisor, framed as help")
BOUNDARY = _step("B", "boundary", ("boundary",), {"boundary"}, "set a boundary, one step at a time")
BY_CODE.update({ESCALATE.code: ESCALATE, BOUNDARY.code: BOUNDARY})


def urgent_why(flags: Iterable[str], abusive: bool) -> str:
    """Why a moment that must get through got through (no plan needed); `flags` are the note's flags and triggers."""
    flags = frozenset(flags)
    if flags & {"threat", "hate"}:
        return "a threat or hate speech: a supervisor should be one click away"
    if abusive:
        return "insults aimed at the agent: the boundary ladder, one step at a time"
    if "authority" in flags:
        return "the customer asked for a manager: offer the handoff as help"
    if "legal" in flags:
        return "legal pressure is beyond an agent's authority: offer the handoff as help"
    return "a supervisor should be one click away"


def note_step(note: Mapping[str, Any]) -> PlanStep | None:
    """The step a whisper's note suggested: a plan step, a boundary step, or bringing in a supervisor."""
    if note.get("p") in BY_CODE:
        return BY_CODE[str(note["p"])]
    if note.get("kind") == "boundary":
        return BOUNDARY
    if note.get("kind") == "escalation":
        return ESCALATE
    return None


def plan_why(note: Mapping[str, Any], moves: str) -> str:
    """Why a whisper suggested its step, given the agents' moves (letters) when it was sent."""
    step = note_step(note)
    if step is None:
        return ""
    if step in (BOUNDARY, ESCALATE):
        return urgent_why({*note.get("flags", ()), *note.get("triggers", ())}, step is BOUNDARY)
    reason = {"v": "vague", "t": "trouble"}.get(str(note.get("r")), "next")
    return why(Choice(step, reason), Progress(done=decode(moves)))


def summary(moves: str, recent: Iterable[str], whispered: str, last_kind: str | None, level: str, tags: Iterable[str]) -> str:
    """The plan at a glance for `/deescalate status`: done so far, suggested so far, and what would come next."""
    progress = Progress.of(moves, recent, whispered, last_kind)
    done = said(progress.done) or "nothing from the plan yet"
    suggested = ", ".join(BY_CODE[c].name for c in whispered if c in BY_CODE) or "nothing yet"
    choice = next_step(progress, level, tags)
    coming = choice.step.next if choice is not None else "nothing new to suggest"
    return f"done: {done} · suggested: {suggested} · next: {coming}"
