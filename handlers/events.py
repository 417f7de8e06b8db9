"""Message events: parse, let bot.whisper decide inside the thread's commit, then send what it decided.

Order matters: the record is committed (de-duplicating Slack's retries in the same round trip)
before anything is sent, so a retried or concurrently handled event never whispers twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import whisper_blocks as wb
from bot.case import Case
from bot.whisper import (
    Action,
    Alert,
    Count,
    Incoming,
    NoteAgent,
    Nudge,
    Recovery,
    Roles,
    Schedule,
    Settings,
    Whisper,
    decide,
    recovery_for,
    unattended_due,
)

log = logging.getLogger("deescalate.events")

# Subtypes that carry something a person wrote; joins, topic changes, pins and the like are ignored.
CONTENT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
AGENTS_CACHE_SECONDS = 600
RECOVERY_EVERY_SECONDS = 3600

# Resolved agent user groups per runtime: (expires at, members). Saves a Redis trip per message.
_agents_memo: dict[int, tuple[float, frozenset[str] | None]] = {}
_agents_lock: dict[int, asyncio.Lock] = {}


def register(app: Any, runtime: Any) -> None:
    settings = Settings.from_config(runtime.config)

    @app.event("message")
    async def on_message(body: dict) -> None:
        # Bolt has produced the acknowledgement; the HTTP answer waits briefly for this work (see
        # ACK_WAIT_SECONDS in handlers/app.py), which runs tracked (errors and latency counted).
        runtime.spawn_for_ack(handle_message(runtime, body, settings), "event:message")


def parse(body: dict, config: Any, now: float) -> Incoming | None:
    """The message event as an Incoming, or None when it is not ours to follow."""
    event = body.get("event") or {}
    channel = event.get("channel")
    if not channel or event.get("channel_type") in ("im", "mpim") or not _followed(channel, config):
        return None
    subtype = event.get("subtype")
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        ts = event.get("deleted_ts") or previous.get("ts")
        if not ts:
            return None
        return Incoming("delete", channel, previous.get("thread_ts") or ts, ts, now)
    if subtype == "message_changed":
        message, previous = event.get("message") or {}, event.get("previous_message") or {}
        # Slack also sends message_changed when a reply is added under a root; only new words count.
        if _text_of(message) == _text_of(previous) or not message.get("ts"):
            return None
        speaker = _speaker(message, body, config)
        if speaker is None:
            return None
        return Incoming(
            "edit", channel, message.get("thread_ts") or message["ts"], message["ts"], now,
            speaker[0], message.get("user_team") or message.get("team"), speaker[1],
        )
    if (subtype not in CONTENT_SUBTYPES and subtype != "bot_message") or not event.get("ts"):
        return None
    speaker = _speaker(event, body, config)
    if speaker is None:
        return None
    user, text = speaker
    root_ts = event.get("thread_ts") or event["ts"]
    starter = user if root_ts == event["ts"] else event.get("parent_user_id")
    return Incoming(
        "post", channel, root_ts, event["ts"], now,
        user, event.get("user_team") or event.get("team"), text, starter,
    )


def _followed(channel: str, config: Any) -> bool:
    if config.support_channels:
        return channel in config.support_channels
    # "Every channel the bot is in" — except where the bot itself talks to supervisors.
    return channel not in {config.supervisor_channel, config.second_tier_channel}


def _speaker(event: dict, body: dict, config: Any) -> tuple[str, str] | None:
    """Who speaks and what they said: a person, or a helpdesk bot carrying the customer's words; None for other bots."""
    if not (event.get("bot_id") or event.get("subtype") == "bot_message" or event.get("bot_profile")):
        user = event.get("user")
        if not user or user in _bot_users(body):
            return None
        return user, event.get("text") or ""
    if _own(event, body) or not config.customer_bots:
        return None
    profile = event.get("bot_profile") or {}
    ids = {event.get("bot_id"), event.get("app_id"), profile.get("app_id"), profile.get("id")}
    bot = next((b for b in config.customer_bots if b.id in ids), None)
    if bot is None:
        return None
    text = _text_of(event)
    if bot.pattern is not None:
        # The pattern finds the attribution ("*Dana Reyes*: …"): a post it misses is not the customer
        # speaking (a helpdesk's own notices), and the attribution is not the customer's words.
        found = bot.pattern.search(text)
        if found is None or not (found.group("name") or "").strip():
            return None
        text = (text[: found.start()] + text[found.end() :]).strip()
    # The bot's user id when it has one: Slack names that same id as the root's author (parent_user_id).
    return str(event.get("user") or event.get("bot_id") or bot.id), text


def _own(event: dict, body: dict) -> bool:
    """The bot's own post (listing our own id in DEESCALATE_CUSTOMER_BOTS changes nothing)."""
    if event.get("user") and event.get("user") in _bot_users(body):
        return True
    app = body.get("api_app_id")
    return bool(app) and app in (event.get("app_id"), (event.get("bot_profile") or {}).get("app_id"))


def _text_of(event: dict) -> str:
    """The words of a message: its text, or (helpdesk integrations often post this way) its attachments' text."""
    text = event.get("text") or ""
    if text or not event.get("attachments"):
        return text
    return "\n".join(str(a.get("text") or a.get("fallback") or "") for a in event["attachments"] if isinstance(a, dict)).strip()


def _bot_users(body: dict) -> set[str]:
    return {a.get("user_id") for a in body.get("authorizations") or () if a.get("is_bot")}


async def handle_message(runtime: Any, body: dict, settings: Settings | None = None) -> None:
    """One message event, start to finish."""
    now = runtime.clock()
    msg = parse(body, runtime.config, now)
    if msg is None:
        return
    settings = settings or Settings.from_config(runtime.config)
    roles = await roles_for(runtime, body)
    book = runtime.book

    def change(record: dict | None) -> tuple[dict, tuple[Action, ...]]:
        case, actions = decide(Case.from_dict(record) if record else None, msg, roles, settings, book)
        return case.to_dict(), actions

    done = await runtime.update_thread(msg.channel, msg.root_ts, change, event_id=body.get("event_id"))
    if done is None:
        return  # a retried event: its actions were performed the first time
    await perform(runtime, done[1], now)


async def roles_for(runtime: Any, body: dict) -> Roles:
    """Who is who: DEESCALATE_AGENTS (users + a resolved user group) or the starter rule; plus our team id."""
    home_team = body.get("team_id") or next((a.get("team_id") for a in body.get("authorizations") or ()), None)
    shared = bool(body.get("is_ext_shared_channel"))
    people = runtime.config.agents
    if people.empty:
        return Roles(None, home_team, shared)
    agents = set(people.users)
    if people.group:
        members = await _group_members(runtime, people.group)
        agents |= members or set()
    return Roles(frozenset(agents), home_team, shared)


async def _group_members(runtime: Any, group: str) -> frozenset[str] | None:
    memo = _agents_memo.get(id(runtime))
    if memo is not None and memo[0] > runtime.clock():
        return memo[1]
    # A burst of first messages waits for one lookup instead of asking Slack once each.
    async with _agents_lock.setdefault(id(runtime), asyncio.Lock()):
        memo = _agents_memo.get(id(runtime))
        if memo is not None and memo[0] > runtime.clock():
            return memo[1]
        return await _look_up_group(runtime, group)


async def _look_up_group(runtime: Any, group: str) -> frozenset[str] | None:
    now = runtime.clock()
    name = f"agents:{group}"
    cached = await runtime.store.cached(name)
    if cached is not None:
        members: frozenset[str] | None = frozenset(cached)
    else:
        found = await runtime.gateway.usergroup_members(group)
        members = None if found is None else frozenset(found)
        if members is not None:
            await runtime.store.cache(name, sorted(members), AGENTS_CACHE_SECONDS)
    # A failed lookup is retried after a minute rather than on every message.
    _agents_memo[id(runtime)] = (now + (AGENTS_CACHE_SECONDS if members is not None else 60), members)
    return members


async def perform(runtime: Any, actions: tuple[Action, ...], at: float) -> None:
    """Send and store what the decision asked for; whispers first, since an agent is waiting on them."""
    whispers = [a for a in actions if isinstance(a, Whisper)]
    if len(whispers) == 1:
        await _send_whisper(runtime, whispers[0])  # the usual case: no extra task for a gather
    elif whispers:
        await asyncio.gather(*(_send_whisper(runtime, w) for w in whispers))
    for action in actions:
        if isinstance(action, Whisper):
            continue
        if isinstance(action, Nudge):
            sent = await runtime.gateway.post_ephemeral(action.channel, action.user, action.text, list(action.blocks), action.thread_ts)
            if sent.ok:
                runtime.metrics.nudges.inc()
        elif isinstance(action, Alert):
            await _send_alert(runtime, action)
        elif isinstance(action, Recovery):
            await _send_recovery(runtime, action)
        elif isinstance(action, Schedule):
            await runtime.store.schedule(action.timer, action.due)
        elif isinstance(action, Count):
            await runtime.store.count(dict(action.counters), at)
        elif isinstance(action, NoteAgent):
            await runtime.store.note_agent_thread(action.user, action.channel, action.root_ts, action.at)


async def _send_whisper(runtime: Any, whisper: Whisper) -> None:
    sent = await runtime.gateway.post_ephemeral(whisper.channel, whisper.user, whisper.text, list(whisper.blocks), whisper.thread_ts)
    if sent.ok:
        runtime.metrics.whispers.labels(kind=whisper.kind).inc()
    else:
        # user_not_in_channel / channel_not_found: counted by the gateway; nothing else to do.
        log.info("whisper to %s in %s not delivered: %s", whisper.user, whisper.channel, sent.reason)


async def _send_alert(runtime: Any, alert: Alert) -> None:
    permalink = await runtime.gateway.permalink(alert.thread_channel, alert.root_ts)
    text, blocks = wb.unattended(channel=alert.thread_channel, level=alert.level, why=alert.why, permalink=permalink)
    sent = await runtime.gateway.post_message(alert.channel, text, blocks)
    if sent.ok:
        runtime.metrics.alerts.inc()


async def _send_recovery(runtime: Any, recovery: Recovery) -> bool:
    if not await runtime.store.once(f"recovery:{recovery.user}", RECOVERY_EVERY_SECONDS):
        return False
    sent = await runtime.gateway.dm(recovery.user, recovery.text, list(recovery.blocks))
    return sent.ok


async def send_recovery(runtime: Any, case: Case, agent: str) -> bool:
    """A recovery nudge to `agent` after a thread with abuse (at most once per hour per agent); True if sent.

    The handoff flow calls this when it opens a handoff for such a thread.
    """
    recovery = recovery_for(case, agent, runtime.clock(), runtime.book)
    return recovery is not None and await _send_recovery(runtime, recovery)


async def fire_recovery(runtime: Any, timer: str) -> None:
    """A "recovery|<channel>|<root_ts>" timer fired: the abusive thread went quiet, so nudge its agents."""
    try:
        _, channel, root_ts = timer.split("|", 2)
    except ValueError:
        log.warning("malformed recovery timer %r", timer)
        return

    def mark(record: dict | None) -> tuple[dict | None, Case | None]:
        if not record:
            return None, None
        case = Case.from_dict(record)
        if case.recovery_sent or not case.abuse_seen:
            return None, None
        case.recovery_sent = True
        return case.to_dict(), case

    done = await runtime.update_thread(channel, root_ts, mark)
    case = done[1] if done else None
    if case is None:
        return
    for agent in case.agents:
        await send_recovery(runtime, case, agent)


async def fire_unattended(runtime: Any, timer: str) -> None:
    """An "unattended|<channel>|<root_ts>" timer fired: alert supervisors if the tense thread is still unanswered."""
    try:
        _, channel, root_ts = timer.split("|", 2)
    except ValueError:
        log.warning("malformed unattended timer %r", timer)
        return
    now = runtime.clock()
    supervisor_channel = runtime.config.supervisor_channel

    def change(record: dict | None) -> tuple[dict | None, tuple[Action, ...]]:
        if not record:
            return None, ()  # expired or never stored: nothing to alert about
        case, actions = unattended_due(Case.from_dict(record), now, supervisor_channel)
        return case.to_dict(), actions

    done = await runtime.update_thread(channel, root_ts, change)
    if done is not None:
        await perform(runtime, done[1], now)
