"""Handoff buttons: "Start handoff" on a whisper, and Accept / Decline / Reassign / Resolve on the case post.

Accept is decided by one atomic store transition, so two supervisors (or two replicas) clicking at
once get exactly one winner; the other is told privately who took it. Decline, Reassign and Resolve
open a modal (inside the trigger's 3 seconds); their submissions are handled in handlers/views.py.
"""

from __future__ import annotations

import logging
from typing import Any

from bot import ids
from bot.handoff import Handoff, audit, can, refusal, sla_timer
from bot.handoff_blocks import agent_notice, decline_modal, reassign_modal, resolve_modal, supervisor_dm
from handlers.app import Runtime
from handlers.handoff_flow import handoff_id_ok, is_supervisor, load_handoff, open_handoff_modal, refresh_posts, refuse, tell_agent

log = logging.getLogger("deescalate.handoffs")

NOT_SAVED = "I couldn't save your {action} just now (the bot's store is not answering), so nothing changed. Please try again in a moment."
NOT_SUPERVISOR = "Only supervisors can {action} handoffs. If you should be one, ask an admin to add you to DEESCALATE_SUPERVISORS."


def register(app: Any, runtime: Runtime) -> None:
    @app.action(ids.START_HANDOFF)
    async def start_from_whisper(ack: Any, body: dict) -> None:
        await ack()
        # The value names a thread; open_handoff_modal checks its shape and that the clicker is one of
        # its agents or a supervisor, so a forged value shows nothing of another thread.
        channel, _, root_ts = _value(body).partition("|")
        await open_handoff_modal(runtime, body.get("trigger_id", ""), channel, root_ts, _user(body), response_url=body.get("response_url"))

    @app.action(ids.HANDOFF_ACCEPT)
    async def accept(ack: Any, body: dict) -> None:
        await ack()
        runtime.spawn(accept_handoff(runtime, _value(body), _user(body), _channel(body)), "handoff_accept")

    @app.action(ids.HANDOFF_DECLINE)
    async def decline(ack: Any, body: dict) -> None:
        await ack()
        await _told_if_not_saved(runtime, body, "decline", _open_supervisor_modal(runtime, body, "decline"))

    @app.action(ids.HANDOFF_REASSIGN)
    async def reassign(ack: Any, body: dict) -> None:
        await ack()
        await _told_if_not_saved(runtime, body, "reassign", _open_supervisor_modal(runtime, body, "reassign"))

    @app.action(ids.HANDOFF_RESOLVE)
    async def resolve(ack: Any, body: dict) -> None:
        await ack()
        await _told_if_not_saved(runtime, body, "resolve", _open_resolve_modal(runtime, body))


async def _told_if_not_saved(runtime: Runtime, body: dict, action: str, work: Any) -> None:
    """Run a click's store work; if the store does not answer, the clicker hears so privately."""
    try:
        await work
    except Exception as exc:
        runtime.metrics.store_errors.inc()
        log.error("%s click not handled: %s: %s", action, type(exc).__name__, exc)
        await refuse(runtime, _channel(body), _user(body), NOT_SAVED.format(action=action))


async def _open_resolve_modal(runtime: Runtime, body: dict) -> None:
    user, channel = _user(body), _channel(body)
    h = await load_handoff(runtime, _value(body))
    if h is None:
        await refuse(runtime, channel, user, "That handoff is no longer on record.")
    elif h.state != "accepted":
        await refuse(runtime, channel, user, refusal(h.extra, "resolve"))
    elif not h.may_resolve(user):
        await refuse(runtime, channel, user, f"Only the supervisor working this case ({_owner(h)}) can resolve it.")
    else:
        await runtime.gateway.open_view(body.get("trigger_id", ""), resolve_modal(h, runtime.config.root_causes))


async def accept_handoff(runtime: Runtime, handoff_id: str, user: str, channel: str | None) -> None:
    """Accept for a supervisor: exactly one concurrent caller wins; the rest hear who did."""
    if not await is_supervisor(runtime, user):
        await refuse(runtime, channel, user, NOT_SUPERVISOR.format(action="accept"))
        return
    if not handoff_id_ok(handoff_id):
        await refuse(runtime, channel, user, "That handoff is no longer on record.")
        return
    now = runtime.clock()
    try:
        moved = await runtime.store.transition(
            handoff_id, ["open"], "accepted", {"accepted_by": user, "accepted_at": f"{now:.3f}"}, audit(user, "accepted", now)
        )
    except Exception as exc:  # Redis away: the click changed nothing, and the supervisor must know that
        runtime.metrics.store_errors.inc()
        log.error("accept of %s not saved: %s: %s", handoff_id, type(exc).__name__, exc)
        await refuse(runtime, channel, user, NOT_SAVED.format(action="accept"))
        return
    if moved.status == "missing":
        await refuse(runtime, channel, user, "That handoff is no longer on record.")
        return
    if moved.status != "ok":
        await refuse(runtime, channel, user, refusal(moved.before, "accept"))
        return
    await cancel_sla(runtime, handoff_id)
    runtime.metrics.handoff_events.labels(state="accepted").inc()
    await runtime.store.count({"handoff_accepts": 1}, now)
    h = await load_handoff(runtime, handoff_id)
    if h is None:
        return
    await refresh_posts(runtime, h)
    await tell_agent(runtime, h, agent_notice("accepted", h, now))
    text, blocks = supervisor_dm(h, now)
    await runtime.gateway.dm(user, text, blocks)


async def cancel_sla(runtime: Runtime, handoff_id: str) -> None:
    """Drop every SLA timer the handoff could still have (a fired one is already gone)."""
    for attempt in range(1, runtime.config.renotify_max + 3):
        await runtime.store.cancel(sla_timer(handoff_id, attempt))


async def _open_supervisor_modal(runtime: Runtime, body: dict, action: str) -> None:
    user, channel = _user(body), _channel(body)
    if not await is_supervisor(runtime, user):
        await refuse(runtime, channel, user, NOT_SUPERVISOR.format(action=action))
        return
    h = await load_handoff(runtime, _value(body))
    if h is None:
        await refuse(runtime, channel, user, "That handoff is no longer on record.")
        return
    if not can(action, h.state):
        await refuse(runtime, channel, user, refusal(h.extra, action))
        return
    view = decline_modal(h) if action == "decline" else reassign_modal(h)
    await runtime.gateway.open_view(body.get("trigger_id", ""), view)


def _owner(h: Handoff) -> str:
    from bot.handoff import mention

    people = [mention(u) for u in dict.fromkeys(p for p in (h.accepted_by, h.assignee) if p)]
    return " or ".join(people) or "the supervisor who accepted it"


def _value(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _user(body: dict) -> str:
    return str((body.get("user") or {}).get("id") or "")


def _channel(body: dict) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None
