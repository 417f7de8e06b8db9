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

from bot import effects
from bot.case import Case
from bot.outcome import issue_line, wanted_outcome
from bot.safety import escape, redact
from bot.vocabulary import LEVELS, SEVERE, level_index

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
    if (flags | triggers) & SEVERE:
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
    return effects.sla(handoff_id, attempt)


def followup_timer(handoff_id: str) -> str:
    return effects.followup(handoff_id)


def sla_timers(handoff_id: str, renotify_max: int) -> tuple[str, ...]:
    """Every SLA timer a handoff can have pending (attempt 1 up to the second tier's)."""
    return tuple(sla_timer(handoff_id, attempt) for attempt in range(1, renotify_max + 3))


def renotify_step(attempt: int, renotify_max: int, has_second_tier: bool) -> str:
    """What an SLA timer's `attempt` does: "repost" in the channel, then "second_tier" once, then "stop"."""
    if attempt <= renotify_max:
        return "repost"
    if attempt == renotify_max + 1 and has_second_tier:
        return "second_tier"
    return "stop"


# ---- the lifecycle: every transition is a Move built from MOVES, applied by the store --------------


@dataclass(frozen=True)
class Move:
    """One handoff transition as the store applies it atomically (see Store.apply).

    `allowed` comes from MOVES (narrowed to the state a form was opened on, for reassign); `to_state`
    None keeps the state found. `drop_timers` are removed in the same round trip: only timers that do
    nothing unless the handoff is still in one of `allowed` (SLA timers act only on open handoffs), so
    dropping them is right whether the move wins or is refused.
    """

    action: str
    allowed: tuple[str, ...]
    to_state: str | None
    fields: Mapping[str, str]
    audit: Mapping[str, Any]
    drop_timers: tuple[str, ...] = ()

    def leaves_live(self) -> bool:
        """True when the move ends the handoff's live life (it leaves the open queue)."""
        return self.to_state is not None and self.to_state not in LIVE_STATES


def make_move(action: str, fields: Mapping[str, str], entry: Mapping[str, Any], *, found: str | None = None,
              drop_timers: tuple[str, ...] = ()) -> Move:
    """A Move for `action` from the MOVES table; `found` narrows it to the state the caller saw."""
    allowed, to_state = MOVES[action]
    if found is not None:
        allowed = tuple(s for s in allowed if s == found)
    return Move(action, allowed, to_state, dict(fields), dict(entry), drop_timers)


def accept_move(handoff_id: str, user: str, now: float, renotify_max: int) -> Move:
    """A supervisor takes the handoff; its SLA timers go with the same round trip."""
    return make_move("accept", {"accepted_by": user, "accepted_at": _num(now)}, audit(user, "accepted", now),
                     drop_timers=sla_timers(handoff_id, renotify_max))


def decline_move(handoff_id: str, user: str, reason: str, now: float, renotify_max: int) -> Move:
    """A supervisor declines with a (validated) reason; the SLA timers stop."""
    return make_move("decline", {"declined_by": user, "decline_reason": reason, "declined_at": _num(now)},
                     audit(user, "declined", now, reason=reason), drop_timers=sla_timers(handoff_id, renotify_max))


def reassign_move(found: str, user: str, assignee: str, now: float) -> Move:
    """Hand the case to another supervisor, keeping the state the form was opened on (a race makes it refuse)."""
    return make_move("reassign", {"assignee": assignee, "assigned_by": user}, audit(user, "reassigned", now, to=assignee), found=found)


@dataclass(frozen=True)
class Resolution:
    """What the resolve form said, validated."""

    resolution: str
    root_cause: str
    cost: str
    follow_up: bool


def resolve_move(user: str, resolution: Resolution, now: float) -> Move:
    changes = {
        "resolved_by": user, "resolved_at": _num(now), "resolution": resolution.resolution,
        "root_cause": resolution.root_cause, "cost": resolution.cost, "follow_up": "1" if resolution.follow_up else "0",
    }
    entry = audit(user, "resolved", now, root_cause=resolution.root_cause, cost=resolution.cost, follow_up=resolution.follow_up)
    return make_move("resolve", changes, entry)


# ---- the supervisors' forms: (value, {field: problem}) -----------------------------------------------
# Field names are the modal's block ids (bot/handoff_blocks.py uses the same words).

DECLINE_LIMIT = 500


def validate_decline(reason: str, *, by_supervisor: bool) -> tuple[str | None, dict[str, str]]:
    """The decline reason made safe to store, or the problem under the form's `reason` field."""
    reason = " ".join((reason or "").split())
    if not reason:
        return None, {"reason": "Give the agent a reason, so they know what to do next."}
    if not by_supervisor:
        return None, {"reason": "Only supervisors can decline handoffs."}
    return clip(redact(reason), DECLINE_LIMIT), {}


def validate_reassign(assignee: str | None, *, by_supervisor: bool, assignee_supervisor: bool | None) -> dict[str, str]:
    """Problems with a reassignment under the form's `assignee` field ({} when it may go ahead).

    `assignee_supervisor` is None when it was not looked up (the earlier checks failed first).
    """
    if not assignee:
        return {"assignee": "Pick the supervisor to hand this case to."}
    if not by_supervisor:
        return {"assignee": "Only supervisors can reassign handoffs."}
    if not assignee_supervisor:
        return {"assignee": "That person is not one of the supervisors; pick a supervisor."}
    return {}


def validate_resolution(resolution: str, cost: str, root_cause: str, follow_up: bool,
                        root_causes: tuple[str, ...] | list[str] | frozenset[str]) -> tuple[Resolution | None, dict[str, str]]:
    """The resolve form's values, or {field: problem} for each field that is wrong."""
    errors: dict[str, str] = {}
    text = clip(redact((resolution or "").strip()), TEXT_LIMIT)
    if not text:
        errors["resolution"] = "Say what was done, for the agent and for the reports."
    amount, problem = parse_cost(cost)
    if problem:
        errors["cost"] = problem
    if root_cause and root_cause not in root_causes:
        errors["root_cause"] = "Pick one of the listed root causes."
    if errors:
        return None, errors
    return Resolution(text, root_cause or "", amount, bool(follow_up)), {}


def resolve_refusal(h: "Handoff | None", user: str) -> str | None:
    """Why `user` may not resolve `h` (None when they may): gone, not accepted, or not theirs."""
    if h is None:
        return "That handoff is no longer on record."
    if h.may_resolve(user):
        return None
    if h.state == "accepted":
        return "Only the supervisor working this case can resolve it."
    return refusal(h.extra, "resolve")


def too_late(status: str, before: Mapping[str, str], action: str) -> str:
    """What a refused or vanished move tells the person who made it."""
    return "That handoff is no longer on record." if status == "missing" else refusal(before, action)


# ---- the SLA policy: what a fired SLA timer does ---------------------------------------------------------


@dataclass(frozen=True)
class SlaPlan:
    """What one fired SLA timer does: post again (`repost`), go to the second tier, and/or set the next timer."""

    post: str | None  # "repost" | "second_tier" | None
    channel: str  # where the post goes ("" when none)
    next_timer: tuple[str, float] | None  # (timer, due) of the next attempt


def sla_plan(h: "Handoff | None", attempt: int, now: float, *, renotify_max: int, sla_minutes: float,
             supervisor_channel: str | None, second_tier_channel: str | None) -> SlaPlan | None:
    """None when nothing is left to chase (taken, declined, gone, or past the last step)."""
    if h is None or h.state != "open":
        return None
    has_second_tier = bool(second_tier_channel)
    step = renotify_step(attempt, renotify_max, has_second_tier)
    if step == "stop":
        return None
    post, channel = None, ""
    if step == "repost" and supervisor_channel:
        post, channel = "repost", supervisor_channel
    elif step == "second_tier" and second_tier_channel:
        post, channel = "second_tier", second_tier_channel
    upcoming = None
    if renotify_step(attempt + 1, renotify_max, has_second_tier) != "stop":
        upcoming = (sla_timer(h.id, attempt + 1), now + sla_minutes * 60)
    return SlaPlan(post, channel, upcoming)


def repost_changes(h: "Handoff", attempt: int, sent_ts: str | None, sent_channel: str) -> dict[str, str]:
    """The handoff fields a re-notify post changes (`sent_ts` None when the post failed)."""
    changes = {"renotified": str(attempt)}
    if sent_ts is not None:
        changes["reposts"] = json.dumps([*h.reposts, sent_ts])
        if not h.post_channel:  # the first post failed; this one becomes the post to keep current
            changes["post_channel"] = sent_channel
    return changes


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
