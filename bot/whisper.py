"""Deciding what to whisper: given a thread's record and one incoming message, the new record and what to send.

Pure: no clock, no Slack, no Redis. `decide` may run twice for one event (optimistic concurrency
between replicas), so it never has side effects; the shell (handlers/whispers/messages.py) commits the record
first and only then performs the returned actions.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot import adoption, effects
from bot import plan as steps
from bot import whisper_blocks as wb
from bot.case import MAX_LINES, MAX_OFFERED, MAX_STEP_TEXT, MAX_STEPS, MAX_WHISPERS, Case, Line, Step, clip
from bot.detector import Reading, observe
from bot.moves import decode as decode_moves, encode as encode_moves, phrases_making, read_moves
from bot.gate import worth_early_words, worth_whispering
from bot.safety import redact, redact_split
from bot.vocabulary import level_index

MAX_COACHED = 20
# Flags that mean "a supervisor should be one click away".
_HANDOFF_FLAGS = frozenset({"threat", "hate", "authority"})
STRONG_ABUSE = 0.8  # abuse score that means abuse even without a cue aimed at "you"
SUSTAINED_ABUSE = 3  # abusive customer messages (among the kept recent ones) that call for a supervisor


# ---- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One message event, already parsed: a new post, an edit, or a deletion."""

    kind: str  # "post" | "edit" | "delete"
    channel: str
    root_ts: str
    ts: str
    at: float
    user: str | None = None
    team: str | None = None
    text: str = ""
    starter: str | None = None  # who posted the thread's root (Slack's parent_user_id), when known


@dataclass(frozen=True)
class Roles:
    """How to tell customers from agents in this workspace."""

    agents: frozenset[str] | None = None  # DEESCALATE_AGENTS resolved to user ids; None = "starter is the customer"
    home_team: str | None = None  # our workspace; a user from another team (Slack Connect) is a customer
    shared: bool = False  # a Slack Connect channel: our own people are the agents

    def external(self, team: str | None) -> bool:
        return bool(team and self.home_team and team != self.home_team)

    def role(self, user: str, team: str | None, case: Case, starter: str | None = None) -> str:
        if self.agents is not None:
            return "agent" if user in self.agents else "customer"
        if self.external(team):
            return "customer"
        if self.shared or case.external:
            return "agent"
        # Events of one thread may be handled out of order: the root's author, when Slack names it, wins.
        return "customer" if user == (case.customer or starter or user) else "agent"


@dataclass(frozen=True)
class Settings:
    """The configuration values the decision needs."""

    cooldown: float = 120.0
    cap: int = 6
    supervisor_channel: str | None = None
    quiet_seconds: float = 900.0  # an abusive thread this long without messages has "gone quiet"
    unattended_grace: float = 180.0  # how long a tense thread may wait for an agent before supervisors hear; 0 = at once
    language: str = "en"  # DEESCALATE_LANGUAGE: which cues the detector reads customers with
    budget: int = 3  # whispers per thread; plan suggestions stop one short, keeping the last for what must get through

    @classmethod
    def from_config(cls, config: Any) -> "Settings":
        return cls(
            cooldown=config.whisper_cooldown_seconds, cap=config.whisper_cap, supervisor_channel=config.supervisor_channel,
            unattended_grace=config.unattended_minutes * 60, language=config.language, budget=config.whisper_budget,
        )


# ---- actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Whisper:
    """An ephemeral suggestion to one agent, in the thread."""

    channel: str
    user: str
    thread_ts: str
    text: str
    blocks: tuple[dict, ...]
    kind: str


@dataclass(frozen=True)
class Nudge:
    """A private wording tip to the agent who wrote it."""

    channel: str
    user: str
    thread_ts: str
    text: str
    blocks: tuple[dict, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Alert:
    """A message to the supervisor channel: a tense thread nobody has answered."""

    channel: str  # where the alert goes
    thread_channel: str
    root_ts: str
    level: str
    why: str


@dataclass(frozen=True)
class Recovery:
    """A short private note to an agent after a hard thread (sent at most once per hour per agent)."""

    user: str
    text: str
    blocks: tuple[dict, ...]
    phrase_id: str


@dataclass(frozen=True)
class Schedule:
    timer: str
    due: float


@dataclass(frozen=True)
class Count:
    counters: Mapping[str, int]


@dataclass(frozen=True)
class NoteAgent:
    """Remember that an agent worked this thread today (App Home lists them)."""

    user: str
    channel: str
    root_ts: str
    at: float


Action = Whisper | Nudge | Alert | Recovery | Schedule | Count | NoteAgent


@dataclass
class _Tally:
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n


# ---- the decision -------------------------------------------------------------------------------


def decide(case: Case | None, msg: Incoming, roles: Roles, settings: Settings, book: Any) -> tuple[Case, tuple[Action, ...]]:
    """The thread's new record and the actions to perform for one incoming message."""
    case = _copy(case) if case is not None else Case.new(msg.channel, msg.root_ts, msg.at)
    # Redacted before anything reads it: the record keeps only redacted words, and the detector's
    # evidence (quoted in whispers, alerts and handoffs) can never hold part of a card or an IBAN.
    msg = replace(msg, text=redact(msg.text)) if msg.text else msg
    if msg.kind == "delete":
        case.lines = [ln for ln in case.lines if ln.ts != msg.ts]
        return case, ()
    if not msg.user:
        return case, ()
    if roles.agents is None and roles.external(msg.team) and not case.external:
        _met_an_outsider(case, msg.user)
    role = roles.role(msg.user, msg.team, case, msg.starter)
    if case.customer is None and role == "agent" and roles.agents is None and not roles.shared and msg.starter:
        case.customer = msg.starter
    tally = _Tally()
    actions: list[Action] = []
    if role == "customer":
        if msg.kind == "edit":
            _customer_edit(case, msg, roles, settings, book, tally, actions)
        else:
            _customer_post(case, msg, settings, book, tally, actions)
    elif msg.kind == "edit":
        _coach(case, msg, book, tally, actions)
    else:
        _agent_post(case, msg, settings, book, tally, actions)
    if case.abuse_seen and msg.kind == "post" and not case.recovery_sent:
        # Every message pushes the "gone quiet" moment further out (ZADD moves the timer).
        actions.append(Schedule(recovery_timer(case.channel, case.root_ts), msg.at + settings.quiet_seconds))
    if tally.counters:
        actions.append(Count(dict(tally.counters)))
    return case, tuple(actions)


def _met_an_outsider(case: Case, user: str) -> None:
    """A user from another team posted: this is a Slack Connect thread, and our own people are its agents."""
    case.external = True
    former = case.customer
    case.customer = user
    if former and former != user and former not in case.agents:
        case.agents.insert(0, former)  # the thread's starter was one of ours after all


def recovery_timer(channel: str, root_ts: str) -> str:
    return effects.recovery(channel, root_ts)


def unattended_timer(channel: str, root_ts: str) -> str:
    return effects.unattended(channel, root_ts)


def _copy(case: Case) -> Case:
    # The record may be the store's cached dict and decide may run twice: never mutate what came in.
    return replace(
        case,
        agents=list(case.agents), flags=list(case.flags), evidence=dict(case.evidence), lines=list(case.lines),
        offered=list(case.offered), whispers=[dict(w) for w in case.whispers], steps=list(case.steps),
        coached=list(case.coached), whispered_flags=list(case.whispered_flags), feedback=dict(case.feedback),
        recent_moves=list(case.recent_moves),
    )


def _customer_post(case: Case, msg: Incoming, settings: Settings, book: Any, tally: _Tally, actions: list[Action]) -> None:
    if case.customer is None:
        case.customer = msg.user
    if not msg.text.strip():
        return  # a file without words says nothing about tension
    before_level, before_flags = case.level, frozenset(case.flags)
    msg = _join_split_number(case, msg)
    case.prev_tension, case.prev_level, case.last_customer_ts = case.tension, case.level, msg.ts
    reading, case.tension = observe(case.tension, msg.text, language=settings.language)
    case.last_customer_at = msg.at
    case.lines = (case.lines + [Line(msg.ts, clip(msg.text), reading.level, msg.at)])[-MAX_LINES:]
    _measure(case, reading.tension, tally)
    _absorb(case, reading, msg.at, tally)
    abusive = _abusive(reading)
    if abusive:
        tally.add("abuse_events")
    _react(case, reading, msg.ts, before_level, before_flags, abusive, settings, book, msg.at, tally, actions)


def _join_split_number(case: Case, msg: Incoming) -> Incoming:
    """A card or phone number typed across two messages is redacted in both (the earlier one is rewritten)."""
    if not case.lines:
        return msg
    last = case.lines[-1]
    before, text = redact_split(last.text, msg.text)
    if before == last.text:
        return msg
    case.lines[-1] = replace(last, text=before)
    return replace(msg, text=text)


def _customer_edit(
    case: Case, msg: Incoming, roles: Roles, settings: Settings, book: Any, tally: _Tally, actions: list[Action]
) -> None:
    line = case.line(msg.ts)
    if msg.ts != case.last_customer_ts or case.tension is None:
        # An older message: keep its new words for the summary, but the trend has moved on.
        if line is not None:
            case.lines = [replace(ln, text=clip(msg.text)) if ln.ts == msg.ts else ln for ln in case.lines]
        return
    # The latest message: re-score it from the state before it, so the edit replaces rather than adds.
    before_level, before_flags = case.prev_level, frozenset(case.flags)
    reading, case.tension = observe(case.prev_tension, msg.text, language=settings.language)
    case.lines = [replace(ln, text=clip(msg.text), level=reading.level) if ln.ts == msg.ts else ln for ln in case.lines]
    _absorb(case, reading, msg.at, tally)
    abusive = _abusive(reading)
    _react(case, reading, msg.ts, before_level, before_flags, abusive, settings, book, msg.at, tally, actions)


def _absorb(case: Case, reading: Reading, now: float, tally: _Tally) -> None:
    """Fold a reading into the record: level, peak, flags, evidence, counters for firsts."""
    if level_index(reading.level) >= level_index("tense") > level_index(case.peak_level):
        tally.add("threads_tense")
    case.level = reading.level
    if level_index(reading.level) > level_index(case.peak_level):
        case.peak_level = reading.level
    if case.first_tense_at is None and reading.level != "calm":
        case.first_tense_at = now
    for flag in reading.flags:
        if flag not in case.flags:
            case.flags.append(flag)
    for signal in reading.signals:
        if signal.kind not in case.evidence:
            tally.add(f"trigger:{signal.kind}")
        case.evidence[signal.kind] = signal.evidence
    if _abusive(reading):
        case.abuse_seen = True


def _abusive(reading: Reading) -> bool:
    # A boundary is for insults aimed at the agent. Sharp frustration ("RIDICULOUS!!!") can carry
    # the detector's abusive flag on a middling score; answering it with a boundary would police tone.
    return "abuse" in reading.triggers or ("abusive" in reading.flags and reading.abuse >= STRONG_ABUSE)


def _moment_flags(reading: Reading) -> frozenset[str]:
    flags = frozenset(reading.flags)
    return flags if _abusive(reading) else flags - {"abusive"}


def _react(
    case: Case,
    reading: Reading,
    ts: str,
    before_level: str,
    before_flags: frozenset[str],
    abusive: bool,
    settings: Settings,
    book: Any,
    now: float,
    tally: _Tally,
    actions: list[Action],
) -> None:
    """Whisper the thread's agents if this moment calls for it and restraint allows; alert if nobody is there."""
    level_rose = level_index(reading.level) > level_index(before_level)
    new_flags = _moment_flags(reading) - before_flags
    if not worth_whispering(reading, before_level, before_flags, abusive, case.whispered_level):
        return  # bot/gate.py: calm threads and polite problem reports stay quiet
    if not case.agents:
        if level_index(reading.level) >= level_index("tense") and not case.alerted and settings.supervisor_channel:
            if settings.unattended_grace <= 0:
                _alert(case, settings.supervisor_channel, reading.level, _evidence(reading), tally, actions)
            elif case.alert_due is None:
                # Agents get a moment to see a new thread before supervisors hear of it; a later
                # rise does not move the deadline (the first tense moment starts the clock).
                case.alert_due = now + settings.unattended_grace
                actions.append(Schedule(unattended_timer(case.channel, case.root_ts), case.alert_due))
        return
    if case.whisper_count >= settings.cap:
        return
    ladder = _Ladder.of(case, ts, book, settings.language) if abusive else None
    cooling = case.last_whisper_at is not None and now - case.last_whisper_at < settings.cooldown
    escalates = level_index(reading.level) > level_index(case.whispered_level) or bool(new_flags)
    if ladder is not None:
        if ladder.repeated and not ladder.fresh and not ladder.handoff_due:
            return  # every phrasing of this step was offered already, and a supervisor was offered too
        escalates = escalates or ladder.climbs or ladder.handoff_due
    if cooling and not escalates:
        return
    if ladder is not None or new_flags & _HANDOFF_FLAGS or _escalation_moment(reading):
        # Abuse, a threat, a manager request, legal pressure: these get through at once, whatever the plan and the budget.
        _whisper(case, reading, level_rose, ladder, case.agents, book, now, tally, actions)
        return
    choice = _planned(case, reading, level_rose, settings)
    if choice is not None:
        _whisper(case, reading, level_rose, None, case.agents, book, now, tally, actions, choice=choice)


def _escalation_moment(reading: Reading) -> bool:
    """The moment itself calls for a supervisor (the selector's escalation cases: threat, hate, authority, legal)."""
    from phrasebook import Moment, plan

    kinds, _ = plan(Moment(level=reading.level, flags=_moment_flags(reading), triggers=reading.triggers))
    return kinds[:1] == ("escalation",)


def _planned(case: Case, reading: Reading, rising: bool, settings: Settings) -> steps.Choice | None:
    """The plan's next step for an ordinary moment, if the thread's whisper budget and the agent's turn allow one."""
    if case.whisper_count >= settings.budget - 1:
        return None  # the last whisper of the budget is kept for a moment that must get through
    if case.last_whisper_at is not None and not rising and (case.last_agent_at or 0) <= case.last_whisper_at:
        return None  # the agent has not answered since the last suggestion: give them their turn first
    return steps.next_step(_progress(case), reading.level, _moment_flags(reading) | reading.triggers)


def _progress(case: Case) -> steps.Progress:
    last = case.whispers[-1].get("kind") if case.whispers else None
    return steps.Progress.of(case.moves, case.recent_moves, case.planned, last)


def _alert(
    case: Case, channel: str, level: str, evidence: list[tuple[str, str]], tally: _Tally, actions: list[Action]
) -> None:
    case.alerted = True
    case.alert_due = None
    tally.add("unattended_alerts")
    actions.append(Alert(channel, case.channel, case.root_ts, level, wb.why_line(level, evidence)))


def unattended_due(case: Case, now: float, supervisor_channel: str | None) -> tuple[Case, tuple[Action, ...]]:
    """The grace for a tense thread nobody had answered ran out: the new record and the alert, if still needed.

    No alert once an agent has replied, the thread has cooled below tense, or one already went out.
    """
    if case.alerted or case.agents or not supervisor_channel:
        return case, ()
    case = _copy(case)
    if case.alert_due is not None and now < case.alert_due:
        # Claimed early (replica clocks disagree): set the timer again rather than lose the alert.
        return case, (Schedule(unattended_timer(case.channel, case.root_ts), case.alert_due),)
    case.alert_due = None  # a thread that cooled down gets a fresh grace if it heats up again
    if level_index(case.level) < level_index("tense"):
        return case, ()
    tally = _Tally()
    actions: list[Action] = []
    _alert(case, supervisor_channel, case.level, [(k, v) for k, v in case.evidence.items() if v], tally, actions)
    actions.append(Count(dict(tally.counters)))
    return case, tuple(actions)


@dataclass(frozen=True)
class _Ladder:
    """Where the boundary ladder stands for an abusive message."""

    step: int  # the step to whisper
    climbs: bool  # a step not whispered before (the agent set the last one)
    repeated: bool  # the same step again: abuse went on before the agent set it
    fresh: bool  # phrasings of this step not yet offered in the thread remain
    abusive: int  # abusive customer messages among the recent ones, this one included
    handoff_due: bool  # abuse is sustained and no whisper has offered a supervisor yet

    @classmethod
    def of(cls, case: Case, ts: str | None, book: Any, language: str = "en") -> "_Ladder":
        step = _ladder_step(case)
        count = _abusive_messages(case, ts, language)
        offered_handoff = any(w.get("handoff") for w in case.whispers)
        return cls(
            step=step,
            climbs=step > case.boundary_step,
            repeated=step == case.boundary_step,
            fresh=any(p.id not in case.offered for p in book.phrases("boundary") if p.step == step),
            abusive=count,
            handoff_due=count >= SUSTAINED_ABUSE and not offered_handoff,
        )

    @property
    def handoff(self) -> bool:
        return self.step == 3 or self.abusive >= SUSTAINED_ABUSE


def _abusive_messages(case: Case, ts: str | None, language: str = "en") -> int:
    """Abusive customer messages among the kept recent ones; the one at `ts` was just read as abusive.

    Re-reads the others (at most MAX_LINES, and only when abuse is in play): the record keeps their
    words, not their readings.
    """
    from bot.detector import score

    return sum(1 for ln in case.lines if ln.ts == ts or _abusive(score(ln.text, language=language)))


def _ladder_step(case: Case) -> int:
    """The boundary step abuse calls for now: the next one once the agent has used the current one."""
    if case.agent_boundary >= case.boundary_step:
        return min(3, max(case.boundary_step, case.agent_boundary) + 1)
    return max(case.boundary_step, 1)


def _whisper(
    case: Case,
    reading: Reading,
    rising: bool,
    ladder: _Ladder | None,
    recipients: list[str],
    book: Any,
    now: float,
    tally: _Tally,
    actions: list[Action],
    choice: steps.Choice | None = None,
) -> None:
    from phrasebook import Moment, choose

    step = ladder.step if ladder is not None else 0
    moment = Moment(
        level=reading.level,
        rising=rising,
        flags=_moment_flags(reading) | ({"abusive"} if ladder is not None else set()),
        triggers=reading.triggers,
        boundary_step=max(step - 1, 0),
    )
    seed = zlib.crc32(f"{case.root_ts}:{case.whisper_count}".encode())
    kinds = choice.step.kinds if choice is not None else None
    offered = case.offered
    if choice is not None:
        # Phrasings that would repeat what the agent just did (an empathy line that apologises again) go last.
        seen = set(offered)
        last = phrases_making(book, steps.avoid(_progress(case)))
        if "timeline" in choice.step.done_by:
            # A step about an exact time leads with phrasings that give one ("by 3 pm today"), not with
            # ones that only reassure ("I've written everything on your case").
            timed = set(phrases_making(book, ("timeline",)))
            last += [p.id for kind in choice.step.kinds for p in book.phrases(kind) if p.id not in timed]
        offered = offered + [pid for pid in dict.fromkeys(last) if pid not in seen]
    suggestion = choose(book, moment, offered=offered, seed=seed, count=3, kinds=kinds)
    if suggestion is None:
        return
    number = case.whisper_count + 1
    boundary = suggestion.kind == "boundary" and ladder is not None
    handoff = _calls_for_supervisor(suggestion.kind, suggestion.step, reading) or (boundary and ladder.handoff)
    title = choice.title if choice is not None else suggestion.title
    if choice is None and suggestion.kind == "escalation":
        title = f"{suggestion.title} · {steps.ESCALATE.title}"
    note: dict[str, Any] = {
        "n": number, "at": now, "kind": suggestion.kind, "title": title, "ids": [pid for pid, _ in suggestion.phrases],
        "level": reading.level, "flags": sorted(moment.flags), "triggers": sorted(reading.triggers), "handoff": handoff,
        # The plan's step and why (v: a vague promise, t: the trouble, n: next in order); the customer's tension now.
        "p": choice.step.code if choice is not None else "", "r": choice.reason[0] if choice is not None else "",
        "t": round(_last_tension(case, reading), 2),
    }
    if suggestion.kind == "boundary" and suggestion.step:
        note["step"] = suggestion.step
    if boundary:
        if ladder.repeated:
            note["repeated"] = True
        note["abusive"] = ladder.abusive
    text, blocks = _render(case, note, [t for _, t in suggestion.phrases], wb.why_line(reading.level, _evidence(reading)))
    for agent in recipients:
        actions.append(Whisper(case.channel, agent, case.root_ts, text, tuple(blocks), suggestion.kind))
    case.whisper_count = number
    case.last_whisper_at = now
    case.whispered_level = reading.level
    case.whispered_flags = sorted(set(case.whispered_flags) | set(reading.flags))
    case.offered = (case.offered + [i for i in note["ids"] if i not in case.offered])[-MAX_OFFERED:]
    if "step" in note:
        case.boundary_step = max(case.boundary_step, note["step"])
    if choice is not None:
        case.planned += choice.step.code
    case.whispers = (case.whispers + [note])[-MAX_WHISPERS:]
    tally.add("whispers")
    tally.add(f"whispers:{suggestion.kind}")
    for name, n in adoption.offered_counters(note["ids"]).items():
        tally.add(name, n)


def _render(case: Case, note: dict, phrases: list[str], why: str) -> tuple[str, list[dict]]:
    """A whisper's text and blocks from its note: the same for the first send and every re-send."""
    step = int(note.get("step", 0))
    hint = None
    if step:
        hint = wb.ladder_hint(
            step, repeated=bool(note.get("repeated")), abusive=int(note.get("abusive", 0)), handoff=bool(note.get("handoff"))
        )
    elif note.get("p") in steps.BY_CODE:
        hint = f"*Plan:* {steps.plan_why(note, case.moves)}"
    return wb.whisper(
        title=note.get("title") or note.get("kind", "Suggestion").title(), phrases=phrases, why=why,
        level=note.get("level", case.level), channel=case.channel, root_ts=case.root_ts, number=int(note["n"]),
        handoff=bool(note.get("handoff")), hint=hint,
    )


def _last_tension(case: Case, reading: Reading) -> float:
    """The customer's latest per-message tension: what a suggestion's effect is measured against."""
    if reading.tension or case.tension is None or not case.tension.trajectory:
        return reading.tension
    return case.tension.trajectory[-1]


def _measure(case: Case, tension: float, tally: _Tally) -> None:
    for name, n in adoption.measure(case, tension).items():
        tally.add(name, n)


def _judge(case: Case, text: str, moves: frozenset[str], book: Any, tally: _Tally) -> None:
    for name, n in adoption.judge(case, text, moves, book).items():
        tally.add(name, n)


def _calls_for_supervisor(kind: str, step: int | None, reading: Reading) -> bool:
    return kind == "escalation" or step == 3 or bool(_HANDOFF_FLAGS & set(reading.flags))


def _evidence(reading: Reading) -> list[tuple[str, str]]:
    strongest = sorted(reading.signals, key=lambda s: -s.weight)
    return [(s.kind, s.evidence) for s in strongest if s.evidence]


# ---- agents ------------------------------------------------------------------------------------


def _agent_post(case: Case, msg: Incoming, settings: Settings, book: Any, tally: _Tally, actions: list[Action]) -> None:
    agent = str(msg.user)
    first_reply = agent not in case.agents
    if first_reply:
        case.agents.append(agent)
        actions.append(NoteAgent(agent, case.channel, case.root_ts, msg.at))
    case.last_agent_at = msg.at
    from phrasebook import boundary_step_used

    boundary = boundary_step_used(book, msg.text) if msg.text.strip() else None
    moves = read_moves(book, msg.text, boundary)
    if msg.text.strip():
        _judge(case, msg.text, moves, book, tally)
        case.moves = encode_moves(decode_moves(case.moves) | moves)
        case.recent_moves = (case.recent_moves + [encode_moves(moves)])[-2:]
    step = _step_of(book, agent, msg.text, msg.at, boundary)
    if step is not None:
        case.steps = (case.steps + [step])[-MAX_STEPS:]
        if step.kind == "boundary" and step.step:
            case.agent_boundary = max(case.agent_boundary, step.step)
            tally.add("boundary_steps")
            tally.add(f"boundary:{agent}")
    _coach(case, msg, book, tally, actions)
    if first_reply and worth_early_words(case.level, [ln.text for ln in case.lines], case.abuse_seen, settings.language) and case.whisper_count < settings.cap:
        # Someone picked up a thread that was already souring: early words for where it stands now.
        reading = _current_reading(case)
        if reading is not None:
            ladder = _Ladder.of(case, None, book, settings.language) if case.abuse_seen else None
            if ladder is not None:
                _whisper(case, reading, False, ladder, [agent], book, msg.at, tally, actions)
            elif (choice := _planned(case, reading, False, settings)) is not None:
                _whisper(case, reading, False, None, [agent], book, msg.at, tally, actions, choice=choice)


def _current_reading(case: Case) -> Reading | None:
    if not case.lines:
        return None
    from bot.detector import Signal

    signals = tuple(Signal(kind, words, 1.0) for kind, words in case.evidence.items())
    return Reading(0.0, case.level, 0.0, tuple(case.flags), signals)


def _coach(case: Case, msg: Incoming, book: Any, tally: _Tally, actions: list[Action]) -> None:
    from phrasebook import coach

    agent = str(msg.user)
    fresh = []
    for finding in coach(book, msg.text):
        key = f"{finding.rule}@{agent}"
        if key in case.coached or any(f.rule == finding.rule for f in fresh):
            continue
        fresh.append(finding)
    if not fresh:
        return
    case.coached = (case.coached + [f"{f.rule}@{agent}" for f in fresh])[-MAX_COACHED:]
    text, blocks = wb.nudge([(f.matched, f.why, f.reframe) for f in fresh])
    actions.append(Nudge(case.channel, agent, case.root_ts, text, tuple(blocks), tuple(f.rule for f in fresh)))
    tally.add("coach_nudges")


# What an agent's message did, for the handoff summary. Boundary steps come from the phrasebook itself.
_STEP_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("escalation", r"\b(supervisor|manager|team lead|escalat\w*|senior colleague|jefe|gerente)\b"),
        ("apology", r"\b(sorry|apologi[sz]e\w*|my apologies|lo siento|disculp\w*|perd[oó]n)\b"),
        ("offer", r"\b(refund\w*|credit|replacement|replace|discount|voucher|option\w*|I can offer|reembols\w*)\b"),
        ("timeline", r"\b(by (tomorrow|today|monday|tuesday|wednesday|thursday|friday|end of day)|within \d+|\d+ (hours?|minutes?|days?)|eod|ma[nñ]ana)\b"),
        ("validation", r"\b(you'?re right|fair point|makes sense|that'?s fair|tiene raz[oó]n)\b"),
        ("empathy", r"\b(I understand|I hear you|must be (so )?frustrating|I can see why|entiendo|comprendo)\b"),
    )
)


def _step_of(book: Any, agent: str, text: str, at: float, used: int | None) -> Step | None:
    """What the reply did, for the handoff summary; `used` is its boundary step (boundary_step_used), if any."""
    if not text.strip():
        return None
    if used is not None:
        return Step(at, agent, "boundary", used, clip(text, MAX_STEP_TEXT))
    for kind, pattern in _STEP_CUES:
        if pattern.search(text):
            return Step(at, agent, kind, None, clip(text, MAX_STEP_TEXT))
    return None


# ---- buttons and recovery ---------------------------------------------------------------------------


def note_of(case: Case, number: int) -> dict | None:
    """The record of whisper number `number` (None once it has aged out of the record)."""
    for note in case.whispers:
        if note.get("n") == number:
            return note
    return None


def another(case: Case, number: int, book: Any) -> tuple[Case, tuple[str, list[dict]] | None]:
    """"Another suggestion": fresh phrasings for the same moment, avoiding what was offered; the new whisper."""
    from phrasebook import Moment, choose

    note = note_of(case, number)
    if note is None:
        return case, None
    case = _copy(case)
    step = int(note.get("step", 0))
    moment = Moment(
        level=note["level"], rising=True, flags=frozenset(note.get("flags", ())),
        triggers=frozenset(note.get("triggers", ())), boundary_step=max(step - 1, 0),
    )
    seed = zlib.crc32(f"{case.root_ts}:{number}:{len(case.offered)}".encode())
    planned = steps.BY_CODE.get(str(note.get("p", "")))  # a plan step keeps its own kinds
    suggestion = choose(book, moment, offered=case.offered, seed=seed, count=3, kinds=planned.kinds if planned else None)
    if suggestion is None:
        return case, None
    ids = [pid for pid, _ in suggestion.phrases]
    case.offered = (case.offered + [i for i in ids if i not in case.offered])[-MAX_OFFERED:]
    note = dict(note, ids=ids, title=note.get("title") if planned else suggestion.title)
    case.whispers = [note if w.get("n") == number else w for w in case.whispers]
    return case, render_note(case, note, book)


def render_note(case: Case, note: dict, book: Any) -> tuple[str, list[dict]]:
    """Rebuild a whisper's text and blocks from its note (ephemeral messages are re-sent, never edited)."""
    from phrasebook import fill

    phrases = [fill(p.text) for p in (book.get(i) for i in note.get("ids", ())) if p is not None]
    evidence = [(k, case.evidence.get(k, "")) for k in note.get("triggers", ())]
    evidence = [e for e in evidence if e[1]]
    return _render(case, note, phrases, wb.why_line(note.get("level", case.level), evidence))


def record_feedback(case: Case, number: int, verdict: str) -> tuple[Case, bool]:
    """Note "helpful"/"not_helpful" on a whisper; False when that whisper already has a verdict (a second click)."""
    if verdict not in ("helpful", "not_helpful"):
        raise ValueError(f"unknown verdict {verdict!r}")
    note = note_of(case, number)
    if note is not None and note.get("fb"):
        return case, False
    case = _copy(case)
    case.feedback[verdict] = case.feedback.get(verdict, 0) + 1
    if note is not None:
        case.whispers = [dict(w, fb=verdict) if w.get("n") == number else w for w in case.whispers]
    return case, True


def recovery_for(case: Case, agent: str, now: float, book: Any) -> Recovery | None:
    """A recovery nudge for an agent who just came through a thread with abuse; None if the thread had none.

    The once-per-hour-per-agent guard is the caller's (store.once(f"recovery:{agent}", 3600)).
    """
    if not case.abuse_seen or not agent:
        return None
    from phrasebook import fill

    phrases = [p for p in book.phrases("recovery") if not p.levels or case.peak_level in p.levels]
    if not phrases:
        return None
    phrase = phrases[zlib.crc32(f"{agent}:{case.root_ts}:{int(now // 3600)}".encode()) % len(phrases)]
    text, blocks = wb.recovery(fill(phrase.text))
    return Recovery(agent, text, tuple(blocks), phrase.id)
