"""Message events: parse, let bot.whisper decide inside the thread's commit, then perform what it decided
(shell/perform.py).

Order matters: the record is committed (de-duplicating Slack's retries in the same round trip)
before anything is sent, so a retried or concurrently handled event never whispers twice.
"""

from __future__ import annotations

import logging
from typing import Any

from bot import effects
from bot.case import Case
from bot.whisper import Action, Incoming, Roles, Settings, decide, unattended_due
from shell.perform import perform, send_recovery

log = logging.getLogger("deescalate.events")

# Subtypes that carry something a person wrote; joins, topic changes, pins and the like are ignored.
CONTENT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})

def register(app: Any, runtime: Any) -> None:
    settings = Settings.from_config(runtime.config)

    @app.event("message")
    async def on_message(body: dict) -> None:
        # Bolt has produced the acknowledgement; the HTTP answer waits briefly for this work (see
        # ACK_WAIT_SECONDS in shell/app.py), which runs tracked (errors and latency counted).
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

    def change(case: Case | None) -> tuple[Case, tuple[Action, ...]]:
        return decide(case, msg, roles, settings, book)

    done = await runtime.store.update_case(msg.channel, msg.root_ts, change, event_id=body.get("event_id"))
    if done is None:
        runtime.metrics.duplicates.inc()
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
        members = await runtime.people.members(people.group)
        agents |= members or set()
    return Roles(frozenset(agents), home_team, shared)


def _thread_of(timer: str) -> tuple[str, str] | None:
    """The thread a recovery or unattended timer names (None, logged, for a malformed one)."""
    thread = effects.parse(timer).thread
    if thread is None:
        log.warning("malformed thread timer %r", timer)
    return thread


async def fire_recovery(runtime: Any, timer: str) -> None:
    """A "recovery|<channel>|<root_ts>" timer fired: the abusive thread went quiet, so nudge its agents."""
    thread = _thread_of(timer)
    if thread is None:
        return
    channel, root_ts = thread

    def mark(case: Case | None) -> tuple[Case | None, Case | None]:
        if case is None or case.recovery_sent or not case.abuse_seen:
            return None, None
        case.recovery_sent = True
        return case, case

    done = await runtime.store.update_case(channel, root_ts, mark)
    case = done[1] if done else None
    if case is None:
        return
    for agent in case.agents:
        await send_recovery(runtime, case, agent)


async def fire_unattended(runtime: Any, timer: str) -> None:
    """An "unattended|<channel>|<root_ts>" timer fired: alert supervisors if the tense thread is still unanswered."""
    thread = _thread_of(timer)
    if thread is None:
        return
    channel, root_ts = thread
    now = runtime.clock()
    supervisor_channel = runtime.config.supervisor_channel

    def change(case: Case | None) -> tuple[Case | None, tuple[Action, ...]]:
        if case is None:
            return None, ()  # expired or never stored: nothing to alert about
        return unattended_due(case, now, supervisor_channel)

    done = await runtime.store.update_case(channel, root_ts, change)
    if done is not None:
        await perform(runtime, done[1], now)
