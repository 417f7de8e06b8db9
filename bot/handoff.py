"""Escalation handoffs: states and allowed moves, severity, the case summary, and audit entries.

A handoff lives in the store as a flat hash of strings (the field names reports read). This module
turns a thread's `Case` into those fields when an agent asks for help, and reads them back into a
typed `Handoff` for rendering. Everything here is pure: no Slack, no Redis, no clock.

Customer words are *redacted* (PII removed) before they are stored, and *quoted* (escaped, one
line, clipped) only when rendered — so Redis never holds a card number, and Slack never sees live
markup. Agents' free text (note, steps, resolution) gets the same treatment: it is rendered in a
shared channel too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.case import Case
from bot.outcome import issue_line, wanted_outcome
from bot.safety import escape, redact
from bot.vocabulary import LEVELS, level_index

STATES: tuple[str, ...] = ("open", "accepted", "declined", "resolved")
LIVE_STATES = frozenset({"open", "accepted"})  # a thread can have at most one of these
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")

# action -> (states it may start from, state it leads to); reassign keeps the state it finds.
MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accept": (("open",), "accepted"),
    "decline": (("open",), "declined"),
    "reassign": (("open", "accepted"), None),
    "resolve": (("accepted",), "resolved"),
}

ISSUE_LIMIT = 140  # one line; fits a Block Kit header (150) with the severity badge
TEXT_LIMIT = 600  # what the customer wants, the agent's note, the resolution
STEP_LIMIT = 160
MAX_STEPS = 10
MAX_EVIDENCE = 6

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")  # Slack ts: seconds.micros


def allowed_from(action: str) -> tuple[str, ...]:
    """States a handoff must be in for `action` to apply."""
    return MOVES[action][0]


def target_state(action: str, current: str) -> str:
    """The state after `action`; reassign keeps the current state."""
    return MOVES[action][1] or current


def can(action: str, state: str) -> bool:
    return state in allowed_from(action)


def user_id(value: str | None) -> str | None:
    """A Slack user id, or None for anything else (ids are rendered as live mentions, so check them)."""
    return value if value and _USER_ID.match(value) else None


def thread_ref(channel: str | None, root_ts: str | None) -> tuple[str, str] | None:
    """(channel, root_ts) when both have the shape Slack gives them; None for anything read back that does not."""
    if channel and root_ts and _CHANNEL_ID.match(channel) and _TS.match(root_ts):
        return channel, root_ts
    return None


def channel_ref(channel: str | None) -> str:
    """A channel as shown in a message: a live `<#C…>` only for a well-formed id, anything else escaped text."""
    if channel and _CHANNEL_ID.match(channel):
        return f"<#{channel}>"
    return escape(channel or "a channel")


# ---- severity ---------------------------------------------------------------------------------


def suggest_severity(case: Case) -> str:
    """A starting severity the agent can change: harm first, then how hot the thread got, then stakes."""
    flags = set(case.flags)
    triggers = set(case.evidence)
    peak = level_index(case.peak_level) if case.peak_level in LEVELS else 0
    if flags & {"threat", "hate"} or triggers & {"threat", "hate"}:
        return "critical"
    stakes = bool(triggers & {"legal", "public", "churn"} or flags & {"churn"})
    if peak >= level_index("heated") or case.abuse_seen or (stakes and peak >= level_index("tense")):
        return "high"
    if peak >= level_index("tense") or stakes or "authority" in triggers:
        return "medium"
    return "low"


# ---- the modal's prefill ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    """What the handoff modal opens with; every field is editable by the agent."""

    issue: str
    wanted: str
    steps: tuple[str, ...]
    severity: str
    note: str = ""


_STEP_WORDS = {
    "apology": "Apologised",
    "empathy": "Acknowledged how the customer feels",
    "validation": "Validated the concern",
    "offer": "Made an offer",
    "timeline": "Gave a timeline",
    "escalation": "Said it would be escalated",
    "other": "Other step",
}


def step_line(kind: str, step: int | None, text: str) -> str:
    """One human line for something an agent did ("Boundary step 2: …")."""
    label = f"Boundary step {step}" if kind == "boundary" and step else _STEP_WORDS.get(kind, kind.capitalize())
    text = " ".join(text.split())
    return clip(f"{label}: {text}" if text else label, STEP_LIMIT)


def prefill(case: Case | None, note: str = "") -> Prefill:
    """The modal's starting values from the thread record (empty when the bot never saw the thread)."""
    if case is None:
        return Prefill("", "", (), "medium", draft(note, TEXT_LIMIT))
    messages = [line.text for line in case.lines]
    issue = issue_line(messages, limit=ISSUE_LIMIT) if messages else ""
    wanted = wanted_outcome(messages) if messages else None
    steps = tuple(step_line(s.kind, s.step, s.text) for s in case.steps)[-MAX_STEPS:]
    return Prefill(
        issue=draft(issue, ISSUE_LIMIT),
        wanted=draft(wanted or "", TEXT_LIMIT),
        steps=tuple(draft(s, STEP_LIMIT) for s in steps),
        severity=suggest_severity(case),
        note=draft(note, TEXT_LIMIT),
    )


def draft(text: str, limit: int) -> str:
    """Customer words made safe to prefill an input: redacted, and with nothing Slack could make live.

    Inputs show text literally, so entities would show as "&lt;"; angle brackets become lookalikes instead.
    """
    safe = escape(redact(text)).replace("&lt;", "‹").replace("&gt;", "›").replace("&amp;", "&")
    return clip(safe, limit)


# ---- the handoff record -------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What the agent submitted in the modal (already validated)."""

    issue: str
    wanted: str
    steps: tuple[str, ...]
    severity: str
    note: str


def validate_request(issue: str, wanted: str, steps_text: str, severity: str, note: str) -> tuple[Request | None, dict[str, str]]:
    """(request, {}) or (None, {field: problem}) for the modal's `response_action: errors`."""
    errors: dict[str, str] = {}
    issue = " ".join((issue or "").split())
    if not issue:
        errors["issue"] = "Say in one line what the problem is."
    elif len(issue) > ISSUE_LIMIT:
        errors["issue"] = f"Keep it to one line ({ISSUE_LIMIT} characters at most)."
    if severity not in SEVERITIES:
        errors["severity"] = "Pick a severity."
    if errors:
        return None, errors
    steps = tuple(clip(s, STEP_LIMIT) for s in (ln.strip(" •-*\t") for ln in (steps_text or "").splitlines()) if s)
    return (
        Request(
            issue=redact(issue),
            wanted=clip(redact(wanted or ""), TEXT_LIMIT),
            steps=tuple(redact(s) for s in steps[:MAX_STEPS]),
            severity=severity,
            note=clip(redact(note or ""), TEXT_LIMIT),
        ),
        {},
    )


def handoff_fields(case: Case | None, request: Request, *, channel: str, root_ts: str, requested_by: str, now: float, permalink: str = "") -> dict[str, str]:
    """The store hash for a new handoff: the agent's request plus the thread's trajectory and evidence."""
    tension = case.tension if case else None
    evidence = {k: clip(redact(v), 120) for k, v in list((case.evidence if case else {}).items())[-MAX_EVIDENCE:]}
    agent = requested_by
    if case and case.agents and requested_by not in case.agents:
        agent = case.agents[0]
    first_tense = case.first_tense_at if case else None
    return {
        "channel": channel,
        "root_ts": root_ts,
        "customer": (case.customer if case else None) or "",
        "agent": agent,
        "requested_by": requested_by,
        "requested_at": _num(now),
        "severity": request.severity,
        "issue": request.issue,
        "wanted": request.wanted,
        "steps": json.dumps(list(request.steps), ensure_ascii=False),
        "note": request.note,
        "trajectory": json.dumps(list(tension.trajectory) if tension else []),
        "levels": json.dumps(list(tension.levels) if tension else []),
        "triggers": json.dumps(evidence, ensure_ascii=False),
        "first_tense_at": _num(first_tense) if first_tense else "",
        "peak_level": case.peak_level if case else "calm",
        "permalink": permalink,
        "renotified": "0",
    }


@dataclass(frozen=True)
class Handoff:
    """A handoff as read back from the store (missing fields default to empty)."""

    id: str
    state: str
    channel: str
    root_ts: str
    requested_by: str
    requested_at: float
    severity: str = "medium"
    customer: str | None = None
    agent: str | None = None
    issue: str = ""
    wanted: str = ""
    steps: tuple[str, ...] = ()
    note: str = ""
    trajectory: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()
    triggers: tuple[tuple[str, str], ...] = ()
    first_tense_at: float | None = None
    peak_level: str = "calm"
    permalink: str = ""
    post_channel: str = ""
    post_ts: str = ""
    post_permalink: str = ""  # link to the case post itself (re-notify posts point at it)
    reposts: tuple[str, ...] = ()  # ts of re-notify posts in the supervisor channel
    second_tier_post: str = ""  # "<channel>|<ts>" of the post in the second-tier channel
    accepted_by: str | None = None
    accepted_at: float | None = None
    declined_by: str | None = None
    decline_reason: str = ""
    declined_at: float | None = None
    assignee: str | None = None
    assigned_by: str | None = None
    resolved_by: str | None = None
    resolved_at: float | None = None
    resolution: str = ""
    root_cause: str = ""
    cost: str = ""
    follow_up: bool = False
    renotified: int = 0
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_fields(cls, d: Mapping[str, str]) -> "Handoff":
        """Tolerant reader: bad JSON or numbers fall back to empty values instead of failing a render."""
        triggers = _json(d.get("triggers"), {})
        return cls(
            id=d.get("id", ""),
            state=d.get("state", "open"),
            channel=d.get("channel", ""),
            root_ts=d.get("root_ts", ""),
            requested_by=d.get("requested_by", ""),
            requested_at=_float(d.get("requested_at")) or 0.0,
            severity=d.get("severity") if d.get("severity") in SEVERITIES else "medium",
            customer=user_id(d.get("customer")),
            agent=user_id(d.get("agent")),
            issue=d.get("issue", ""),
            wanted=d.get("wanted", ""),
            steps=tuple(str(s) for s in _json(d.get("steps"), []) if s)[:MAX_STEPS],
            note=d.get("note", ""),
            trajectory=tuple(float(x) for x in _json(d.get("trajectory"), []) if isinstance(x, (int, float))),
            levels=tuple(str(x) for x in _json(d.get("levels"), []) if x in LEVELS),
            triggers=tuple((str(k), str(v)) for k, v in triggers.items()) if isinstance(triggers, dict) else (),
            first_tense_at=_float(d.get("first_tense_at")),
            peak_level=d.get("peak_level", "calm"),
            permalink=d.get("permalink", ""),
            post_channel=d.get("post_channel", ""),
            post_ts=d.get("post_ts", ""),
            post_permalink=d.get("post_permalink", ""),
            reposts=tuple(str(x) for x in _json(d.get("reposts"), [])),
            second_tier_post=d.get("second_tier_post", ""),
            accepted_by=user_id(d.get("accepted_by")),
            accepted_at=_float(d.get("accepted_at")),
            declined_by=user_id(d.get("declined_by")),
            decline_reason=d.get("decline_reason", ""),
            declined_at=_float(d.get("declined_at")),
            assignee=user_id(d.get("assignee")),
            assigned_by=user_id(d.get("assigned_by")),
            resolved_by=user_id(d.get("resolved_by")),
            resolved_at=_float(d.get("resolved_at")),
            resolution=d.get("resolution", ""),
            root_cause=d.get("root_cause", ""),
            cost=d.get("cost", ""),
            follow_up=d.get("follow_up") == "1",
            renotified=int(_float(d.get("renotified")) or 0),
            extra=dict(d),
        )

    @property
    def owner(self) -> str | None:
        """Who is working the case now: the latest assignee, else the accepter."""
        return self.assignee or self.accepted_by

    def may_resolve(self, user: str) -> bool:
        return self.state == "accepted" and user in {self.accepted_by, self.assignee}

    def waited_minutes(self, until: float) -> int:
        """Whole minutes from the request to `until` (at least 0)."""
        return max(0, int((until - self.requested_at) // 60))


# ---- decisions on a moved handoff -----------------------------------------------------------------


def refusal(before: Mapping[str, str], action: str) -> str:
    """What a person is told when their click lost a race or came too late (state as it was)."""
    h = Handoff.from_fields(before)
    if h.state == "accepted" and action in {"accept", "decline"}:
        return f"Already taken by {mention(h.accepted_by)}." if h.accepted_by else "Someone already took this handoff."
    if h.state == "declined":
        return f"This handoff was declined by {mention(h.declined_by)}." if h.declined_by else "This handoff was declined."
    if h.state == "resolved":
        return f"This handoff was already resolved by {mention(h.resolved_by)}." if h.resolved_by else "This handoff is already resolved."
    if h.state == "open" and action == "resolve":
        return "Accept this handoff before resolving it."
    return "This handoff has moved on; the post shows where it stands."


def parse_cost(raw: str | None) -> tuple[str, str | None]:
    """(normalised cost, problem). Empty is fine; accepts "12", "12.50", "1,200.5", "$40"."""
    text = (raw or "").strip().lstrip("$€£").replace(",", "").strip()
    if not text:
        return "", None
    try:
        value = float(text)
    except ValueError:
        return "", "Enter a number like 25 or 25.50, or leave it empty."
    if not (0 <= value < 1e9) or value != value:
        return "", "Enter an amount of zero or more."
    return f"{value:.2f}", None


def sla_timer(handoff_id: str, attempt: int) -> str:
    """Timer members are unique strings, so claiming one with ZREM fires it exactly once across replicas."""
    return f"sla|{handoff_id}|{attempt}"


def followup_timer(handoff_id: str) -> str:
    return f"followup|{handoff_id}"


def parse_timer(timer: str) -> tuple[str, str, int]:
    """("sla"|"followup"|…, handoff id, attempt) from a timer member; attempt 0 when it has none."""
    kind, _, rest = timer.partition("|")
    handoff_id, _, attempt = rest.partition("|")
    return kind, handoff_id, int(attempt) if attempt.isdigit() else 0


def renotify_step(attempt: int, renotify_max: int, has_second_tier: bool) -> str:
    """What an SLA timer's `attempt` does: "repost" in the channel, then "second_tier" once, then "stop"."""
    if attempt <= renotify_max:
        return "repost"
    if attempt == renotify_max + 1 and has_second_tier:
        return "second_tier"
    return "stop"


def audit(who: str, what: str, at: float, **detail: Any) -> dict[str, Any]:
    """One audit trail entry (who did what, when); detail values must be JSON-ready."""
    return {"at": round(at, 3), "who": who, "what": what, **{k: v for k, v in detail.items() if v not in (None, "")}}


# ---- small helpers ---------------------------------------------------------------------------------


def mention(user: str | None) -> str:
    """A live mention for a checked user id (never for anything customer-supplied)."""
    uid = user_id(user)
    return f"<@{uid}>" if uid else "someone"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.3f}"


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _json(raw: str | None, default: Any) -> Any:
    if not raw:
        return default
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return default
    return value if isinstance(value, type(default)) else default
