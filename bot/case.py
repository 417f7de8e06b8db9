"""The thread record: everything the bot remembers about one support thread, kept from events.

Slack rate-limits `conversations.replies` for distributed apps, so the bot never re-reads a thread;
this record (stored under (channel, root_ts)) is its memory. It must stay small (≤ ~4 KB as JSON):
every list is bounded, texts are clipped, and `to_dict` leaves out fields still at their default.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from bot.detector import ThreadTension

MAX_LINES = 6  # customer messages kept for the handoff summary
MAX_TEXT = 300  # characters kept per customer message
MAX_OFFERED = 30  # phrase ids remembered so "Another suggestion" does not repeat itself
MAX_WHISPERS = 12
MAX_STEPS = 20
MAX_STEP_TEXT = 160

STEP_KINDS = ("apology", "empathy", "validation", "offer", "timeline", "boundary", "escalation", "other")


@dataclass
class Line:
    """A customer message (raw text, clipped; pass it through bot.safety.quote() before showing it)."""

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
    evidence: dict[str, str] = field(default_factory=dict)  # trigger kind -> latest short evidence (raw)
    lines: list[Line] = field(default_factory=list)  # last customer messages, ≤ MAX_LINES
    started_at: float = 0.0
    first_tense_at: float | None = None  # first time the level reached uneasy or above
    last_customer_at: float | None = None
    last_agent_at: float | None = None
    whisper_count: int = 0
    last_whisper_at: float | None = None
    offered: list[str] = field(default_factory=list)  # phrase ids offered, ≤ MAX_OFFERED
    whispers: list[dict] = field(default_factory=list)  # notes {at, kind, ids, level, feedback?}
    boundary_step: int = 0  # boundary steps whispered (0..3)
    steps: list[Step] = field(default_factory=list)  # ≤ MAX_STEPS
    coached: list[str] = field(default_factory=list)  # "<agent>:<rule>" already nudged
    alerted: bool = False  # the unattended alert went out
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

    def to_dict(self) -> dict:
        """Compact JSON-ready dict: fields at their default are left out."""
        out: dict = {"channel": self.channel, "root_ts": self.root_ts}
        for f in fields(self):
            name = f.name
            if name in ("channel", "root_ts"):
                continue
            value = getattr(self, name)
            if value == _DEFAULTS[name]:
                continue
            if isinstance(value, ThreadTension):
                value = value.to_dict()
            elif name == "lines":
                value = [[ln.ts, ln.text, ln.level, ln.at] for ln in value]
            elif name == "steps":
                value = [_step_dict(s) for s in value]
            elif isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Case":
        """Rebuild a case from `to_dict` output (tolerates missing and unknown keys)."""
        case = cls(channel=str(d["channel"]), root_ts=str(d["root_ts"]))
        known = {f.name for f in fields(cls)}
        for name, value in d.items():
            if name not in known or name in ("channel", "root_ts"):
                continue
            if name in ("tension", "prev_tension"):
                value = ThreadTension.from_dict(value) if value else None
            elif name == "lines":
                value = [Line(str(ts), str(text), str(level), float(at)) for ts, text, level, at in value]
            elif name == "steps":
                value = [Step(**s) for s in value]
            elif name == "whispers":
                value = [dict(w) for w in value]
            elif isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
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

    @property
    def boundary_steps(self) -> list[Step]:
        """The boundary steps agents took, in order (the handoff summary shows them)."""
        return [s for s in self.steps if s.kind == "boundary"]


_DEFAULTS = {
    f.name: (f.default_factory() if callable(f.default_factory) else f.default) for f in fields(Case)  # type: ignore[misc]
}


def _step_dict(step: Step) -> dict:
    out: dict = {"at": step.at, "agent": step.agent, "kind": step.kind}
    if step.step is not None:
        out["step"] = step.step
    if step.text:
        out["text"] = step.text
    return out


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep a bounded prefix of a message (whitespace folded) for the record."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
