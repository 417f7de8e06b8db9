"""The thread record: everything the bot remembers about one support thread, kept from events.

Slack rate-limits `conversations.replies` for distributed apps, so the bot never re-reads a thread;
this record (stored under (channel, root_ts)) is its memory. It must stay small (≤ 4 KB as JSON even
for a 60-message thread): every list is bounded, texts are clipped, `to_dict` leaves out fields still
at their default, and the bulky parts are written compactly (steps as rows, the detector's question
fingerprints as hex, its levels as one digit each, the state before the last message as a difference
from the current one). `from_dict` reads both the compact form and the plain one written before.
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass, field, fields

from bot.detector import ThreadTension
from bot.vocabulary import LEVELS

MAX_LINES = 5  # customer messages kept for the handoff summary
MAX_TEXT = 200  # characters kept per customer message (the summary's issue line uses far fewer)
MAX_OFFERED = 20  # phrase ids remembered so "Another suggestion" does not repeat itself
MAX_WHISPERS = 3  # notes kept for the buttons of the latest whispers (used within minutes)
MAX_STEPS = 5  # recent agent steps for the handoff summary; older boundary steps are kept besides
MAX_STEP_TEXT = 72
MAX_EVIDENCE = 40  # characters of evidence kept per trigger (shown quoted in "Why:" lines)

STEP_KINDS = ("apology", "empathy", "validation", "offer", "timeline", "boundary", "escalation", "other")


@dataclass
class Line:
    """A customer message (redacted before it is stored, clipped; pass it through bot.safety.quote() before showing it)."""

    ts: str
    text: str
    level: str
    at: float


@dataclass
class Step:
    """Something an agent did in the thread; `step` is the boundary step number for boundary steps."""

    at: float
    agent: str
    kind: str
    step: int | None = None
    text: str = ""


@dataclass
class Case:
    channel: str
    root_ts: str
    customer: str | None = None
    agents: list[str] = field(default_factory=list)  # user ids, in order of first reply
    tension: ThreadTension | None = None  # detector state (its trajectory inside)
    level: str = "calm"
    peak_level: str = "calm"
    flags: list[str] = field(default_factory=list)  # every flag raised in this thread
    evidence: dict[str, str] = field(default_factory=dict)  # trigger kind -> latest short evidence (redacted)
    lines: list[Line] = field(default_factory=list)  # last customer messages, ≤ MAX_LINES
    started_at: float = 0.0
    first_tense_at: float | None = None  # first time the level reached uneasy or above
    last_customer_at: float | None = None
    last_agent_at: float | None = None
    whisper_count: int = 0
    last_whisper_at: float | None = None
    offered: list[str] = field(default_factory=list)  # phrase ids offered, ≤ MAX_OFFERED
    # notes {n, at, kind, title, ids, level, flags, triggers, handoff, fb?; for the plan (bot/plan.py):
    # p (step code), r (why: v vague promise, t trouble, n next); for bot/adoption.py: t (the customer's
    # tension it answered), u (the agent's next reply: index of the phrase used, "~" own words, "-" not
    # used), dt (tension change on the customer's next message)}
    whispers: list[dict] = field(default_factory=list)
    boundary_step: int = 0  # boundary steps whispered (0..3)
    steps: list[Step] = field(default_factory=list)  # ≤ MAX_STEPS
    coached: list[str] = field(default_factory=list)  # "<agent>:<rule>" already nudged
    alerted: bool = False  # the unattended alert went out
    alert_due: float | None = None  # when the pending "nobody has answered yet" alert is due (its timer is set)
    abuse_seen: bool = False
    handoff_id: str | None = None
    # -- beyond the shared contract: what edits and restraint need --
    last_customer_ts: str | None = None  # ts of the message `tension` last moved on
    prev_tension: ThreadTension | None = None  # detector state before that message (an edit re-scores from it)
    prev_level: str = "calm"  # thread level before that message
    whispered_level: str = "calm"  # highest level a whisper has answered
    whispered_flags: list[str] = field(default_factory=list)  # flags a whisper has answered
    agent_boundary: int = 0  # highest boundary step an agent has used in the thread
    feedback: dict[str, int] = field(default_factory=dict)  # {"helpful": n, "not_helpful": n}
    external: bool = False  # a user from another team posted (Slack Connect): our own people are agents
    recovery_sent: bool = False  # the "gone quiet" recovery nudge went out for this thread
    # -- the plan (bot/plan.py) and what came of each suggestion (bot/adoption.py) --
    moves: str = ""  # every move the agents made in the thread, one letter each (bot/moves.py)
    recent_moves: list[str] = field(default_factory=list)  # moves of the agents' last two messages, oldest first
    planned: str = ""  # plan steps whispered, one letter each, oldest first (bot/plan.py codes)

    def to_dict(self) -> dict:
        """Compact JSON-ready dict: fields at their default are left out."""
        out: dict = {"channel": self.channel, "root_ts": self.root_ts, "fmt": 2}
        for name in _FIELDS:
            value = getattr(self, name)
            if value == _DEFAULTS[name]:
                continue
            encode = _ENCODERS.get(name)
            if encode is not None:
                value = encode(self, value)
            elif type(value) is float:
                value = _t(value)
            elif type(value) is list:
                value = list(value)
            elif type(value) is dict:
                value = dict(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Case":
        """Rebuild a case from `to_dict` output (tolerates missing and unknown keys)."""
        case = cls(channel=str(d["channel"]), root_ts=str(d["root_ts"]))
        for name, value in d.items():
            if name not in _DEFAULTS or name in ("channel", "root_ts"):
                continue
            decode = _DECODERS.get(name)
            if decode is not None:
                value = decode(d, value)
            elif type(value) is list:
                value = list(value)
            elif type(value) is dict:
                value = dict(value)
            setattr(case, name, value)
        return case

    @classmethod
    def new(cls, channel: str, root_ts: str, now: float) -> "Case":
        return cls(channel=channel, root_ts=root_ts, started_at=now)

    def line(self, ts: str) -> Line | None:
        """The kept customer message with this ts, if any."""
        for ln in self.lines:
            if ln.ts == ts:
                return ln
        return None

    def open_to(self, user: str, supervisor: bool) -> bool:
        """Who may see or act on this thread (status, handoffs, whisper buttons): its agents and supervisors."""
        return supervisor or (bool(user) and user in self.agents)

    @property
    def boundary_steps(self) -> list[Step]:
        """The boundary steps agents took, in order (the handoff summary shows them)."""
        return [s for s in self.steps if s.kind == "boundary"]


_DEFAULTS = {
    f.name: (f.default_factory() if callable(f.default_factory) else f.default) for f in fields(Case)  # type: ignore[misc]
}
_FIELDS = tuple(name for name in _DEFAULTS if name not in ("channel", "root_ts"))

# How the bulky fields are written (case, value) -> JSON-ready, and read back (record, value) -> value.
_ENCODERS = {
    "tension": lambda case, t: _tension_out(t),
    "prev_tension": lambda case, t: _tension_delta(t, case.tension),
    "lines": lambda case, lines: [[ln.ts, ln.text, ln.level, _since_ts(ln.at, ln.ts)] for ln in lines],
    "steps": lambda case, steps: [_step_row(s, case.agents) for s in bounded_steps(steps)],
    "offered": lambda case, ids: _ids_out(ids),
    "evidence": lambda case, evidence: {k: clip(v, MAX_EVIDENCE) for k, v in evidence.items()},
    "whispers": lambda case, notes: _notes_out(notes[-MAX_WHISPERS:]),
}
_DECODERS = {
    "tension": lambda d, t: _tension_in(t) if t else None,
    "prev_tension": lambda d, t: _tension_undelta(t, _tension_plain(d["tension"]) if d.get("tension") else None) if t else None,
    "lines": lambda d, lines: [
        Line(str(ts), str(text), str(level), _at_ts(at, ts) if d.get("fmt") == 2 else float(at)) for ts, text, level, at in lines
    ],
    "steps": lambda d, steps: [_step_in(s, d.get("agents") or []) for s in steps],
    "whispers": lambda d, notes: _notes_in(notes),
    "offered": lambda d, ids: _ids_in(ids),
}


def bounded_steps(steps: list[Step]) -> list[Step]:
    """The last MAX_STEPS steps, plus any older boundary step (the handoff summary lists every one)."""
    if len(steps) <= MAX_STEPS:
        return steps
    cut = len(steps) - MAX_STEPS
    return [s for s in steps[:cut] if s.kind == "boundary"][-3:] + steps[cut:]


def _ids_out(ids: list[str]) -> list[str]:
    # Phrase ids come in runs of one kind: an id with the previous one's kind is written ".rest".
    out, kind = [], None
    for pid in ids:
        head, dot, rest = pid.partition(".")
        out.append(f".{rest}" if dot and head == kind else pid)
        kind = head if dot else None
    return out


def _ids_in(ids: list[str]) -> list[str]:
    out, kind = [], ""
    for pid in ids:
        pid = f"{kind}{pid}" if pid.startswith(".") else pid
        kind = pid.partition(".")[0]
        out.append(pid)
    return out


def _t(at: float) -> float:
    # Centiseconds are plenty for cooldowns and summaries, and five characters shorter per time.
    return round(at, 2)


def _since_ts(at: float, ts: str) -> float:
    # A line's arrival time is its Slack ts (epoch seconds) plus a moment: kept as that moment.
    try:
        return _t(at - float(ts))
    except ValueError:
        return _t(at)


def _at_ts(since: float, ts: str) -> float:
    try:
        return float(ts) + float(since)
    except ValueError:
        return float(since)


def _step_row(step: Step, agents: list[str]) -> list:
    # [at, agent (its index in `agents` when listed there), kind, boundary step, text]
    agent: str | int = agents.index(step.agent) if step.agent in agents else step.agent
    row: list = [_t(step.at), agent, step.kind, step.step, step.text]
    while len(row) > 3 and row[-1] in (None, ""):
        row.pop()
    return row


def _step_in(row: list | dict, agents: list[str]) -> Step:
    if isinstance(row, dict):
        return Step(**row)  # written before the compact form
    at, agent, kind, *rest = row
    if isinstance(agent, int):
        agent = agents[agent] if 0 <= agent < len(agents) else ""
    return Step(float(at), str(agent), str(kind), *rest)


# ---- whisper notes: readers use .get() with a default, so empty values are left out; a title equal
# to the previous note's (boundary steps repeat theirs) is written as "^"; phrase ids of the note's
# own kind drop the kind ("boundary.keep-civil" in a boundary note is ".keep-civil").


def _notes_out(notes: list[dict]) -> list[dict]:
    return [_note_out(w, before) for before, w in zip([None, *notes], notes)]


def _note_out(note: dict, before: dict | None) -> dict:
    # "t" (tension before) and "dt" (its change) are numbers where 0 is a value, not an absence.
    out = {k: v for k, v in note.items() if v or k in ("n", "at", "level", "t", "dt")}
    if isinstance(out.get("at"), float):
        out["at"] = _t(out["at"])
    if out.get("title") and out["title"] == _default_title(note):
        del out["title"]  # a plan step's or a boundary step's own title: read back from the step
    elif before is not None and out.get("title") and out["title"] == before.get("title"):
        out["title"] = "^"
    kind = f"{note.get('kind')}."
    if "ids" in out:  # ids of the note's own kind are written without it: ".keep-civil"
        out["ids"] = [i[len(kind) - 1 :] if i.startswith(kind) else i for i in out["ids"]]
    return out


def _default_title(note: dict) -> str | None:
    """The title a note's step gives it ("Next: …" for a plan step, the ladder's for a boundary step)."""
    from bot.plan import BY_CODE
    from phrasebook.selector import STEP_NAMES, boundary_title

    if note.get("p") in BY_CODE:
        return BY_CODE[note["p"]].title
    step = note.get("step")
    if note.get("kind") == "boundary" and step in STEP_NAMES:
        return boundary_title(step)
    return None


def _notes_in(notes: list[dict]) -> list[dict]:
    out: list[dict] = []
    for note in notes:
        note = dict(note)
        if note.get("title") == "^":
            note["title"] = out[-1].get("title", "") if out else ""
        elif "title" not in note and (title := _default_title(note)):
            note["title"] = title
        if "ids" in note:
            note["ids"] = [f"{note.get('kind')}{i}" if i.startswith(".") else i for i in note["ids"]]
        out.append(note)
    return out


# ---- the detector's state, written compactly ------------------------------------------------------
# A fingerprint is a short list of 16-bit hashes: packed and base64-encoded it is a third of the JSON
# list. Levels are one digit each (their index in LEVELS); the trajectory (2 decimals) is in hundredths.


def _tension_out(tension: ThreadTension) -> dict:
    d = tension.to_dict()
    d["questions"] = [_pack(q) for q in d["questions"]]
    d["levels"] = "".join(str(LEVELS.index(v)) for v in d["levels"])
    d["trajectory"] = [round(t * 100) for t in d["trajectory"]]
    d["packed"] = 1
    return d


def _pack(hashes: list[int]) -> str:
    return binascii.b2a_base64(struct.pack(f">{len(hashes)}H", *hashes), newline=False).decode().rstrip("=")


def _unpack(text: str) -> list[int]:
    raw = binascii.a2b_base64(text + "=" * (-len(text) % 4))
    return list(struct.unpack(f">{len(raw) // 2}H", raw[: len(raw) // 2 * 2]))


def _tension_in(d: dict) -> ThreadTension:
    return ThreadTension.from_dict(_tension_plain(d))


def _tension_plain(d: dict) -> dict:
    if not d.get("packed"):
        return d  # written before the compact form
    return {
        **d,
        "questions": [_unpack(q) for q in d.get("questions", [])],
        "levels": [LEVELS[int(c)] for c in d.get("levels", "")],
        "trajectory": [t / 100 for t in d.get("trajectory", [])],
    }


# The state before the last customer message differs from the current one by that message: each list
# is the current one minus its last item, plus at most an item that fell off the front. Written as
# {"ewma", "rise", "level", "messages", "keep": {list: (items kept from the current list, [fallen])}}.
_TENSION_LISTS = ("questions", "lengths", "trajectory", "levels")


def _tension_delta(prev: ThreadTension, current: ThreadTension | None) -> dict:
    if current is None:
        return _tension_out(prev)
    before, now = prev.to_dict(), current.to_dict()
    out = {k: before[k] for k in ("ewma", "rise", "level", "messages")}
    keep: dict[str, list] = {}
    for name in _TENSION_LISTS:
        old, new = before[name], now[name]
        for fallen in range(min(2, len(old)) + 1):
            shared = len(old) - fallen
            if old[fallen:] == new[:shared]:
                keep[name] = [shared, [_pack(q) for q in old[:fallen]] if name == "questions" else old[:fallen]]
                break
        else:
            return _tension_out(prev)  # not the usual one-message step: write it whole
    out["keep"] = keep
    return out


def _tension_undelta(d: dict, now: dict | None) -> ThreadTension:
    """The earlier state from its written difference and the current state (already in plain form)."""
    keep = d.get("keep")
    if keep is None or not now:
        return _tension_in(d)
    plain = {k: d[k] for k in ("ewma", "rise", "level", "messages") if k in d}
    for name in _TENSION_LISTS:
        shared, fallen = keep.get(name, [0, []])
        if name == "questions":
            fallen = [_unpack(q) for q in fallen]
        plain[name] = list(fallen) + list(now.get(name, []))[:shared]
    return ThreadTension.from_dict(plain)


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep a bounded prefix of a message (whitespace folded) for the record."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
