"""The timer loop: every replica polls the store's sorted set of due timers; ZREM hands each timer to
exactly one of them, so SLA re-notifies, follow-up reminders, recovery nudges and unattended-thread
alerts fire once, and survive restarts because they live in Redis, not in memory.

A timer is claimed before it runs: if a replica dies between the two, that one timer is lost
rather than sent twice (a missed reminder is cheaper than a duplicate ping to a whole group).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import Any

from bot.handoff import audit, parse_timer, renotify_step, sla_timer
from bot.handoff_blocks import followup_reminder, group_mention, renotify_post
from handlers.app import Runtime
from handlers.handoff_flow import load_handoff

log = logging.getLogger("deescalate.timers")


def register(app: Any, runtime: Runtime) -> None:
    runtime.loops.append(timer_loop)


async def timer_loop(runtime: Runtime) -> None:
    """Claim due timers every `timer_poll_seconds` and run each as tracked background work."""
    while not _stopping():
        try:
            for timer in await runtime.store.claim_due(runtime.clock()):
                runtime.spawn(fire(runtime, timer), f"timer:{parse_timer(timer)[0]}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis away: keep polling; the timers wait in the store
            if _stopping():
                raise asyncio.CancelledError from exc
            runtime.metrics.store_errors.inc()
            log.warning("timer poll failed: %s", type(exc).__name__)
        await asyncio.sleep(runtime.config.timer_poll_seconds)


def _stopping() -> bool:
    # The embedded store (fakeredis) can swallow a cancellation that lands mid-command and return
    # normally, and redis clients may turn it into a connection error; either way the loop must
    # still stop, or a stopping bot polls forever.
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def fire(runtime: Runtime, timer: str) -> None:
    kind, handoff_id, attempt = parse_timer(timer)
    if kind == "sla":
        await fire_sla(runtime, handoff_id, attempt)
    elif kind == "followup":
        await fire_followup(runtime, handoff_id)
    elif kind == "recovery":
        try:
            from handlers.events import fire_recovery
        except ImportError:
            return
        await fire_recovery(runtime, timer)
    elif kind == "unattended":
        from handlers.events import fire_unattended

        await fire_unattended(runtime, timer)
    else:
        log.warning("unknown timer %r dropped", timer)


async def fire_sla(runtime: Runtime, handoff_id: str, attempt: int) -> None:
    """Nobody took the handoff in time: post it again with a mention, or escalate to the second tier."""
    config, gateway, store = runtime.config, runtime.gateway, runtime.store
    h = await load_handoff(runtime, handoff_id)
    if h is None or h.state != "open":
        return  # accepted or declined meanwhile: nothing to chase
    step = renotify_step(attempt, config.renotify_max, bool(config.second_tier_channel))
    if step == "stop":
        return
    now = runtime.clock()
    who = group_mention(config.supervisors.group, config.supervisors.users)
    if step == "repost" and config.supervisor_channel:
        h = dataclasses.replace(h, renotified=attempt)
        text, blocks = renotify_post(h, now, who)
        sent = await gateway.post_message(config.supervisor_channel, f"{who} {text}", blocks)
        changes = {"renotified": str(attempt)}
        if sent.ok:
            changes["reposts"] = json.dumps([*h.reposts, str(sent.data.get("ts"))])
            if not h.post_channel:  # the first post failed; this one becomes the post to keep current
                changes["post_channel"] = str(sent.data.get("channel") or config.supervisor_channel)
        await store.update_handoff(handoff_id, changes)
        await store.append_audit(handoff_id, audit("bot", "renotified", now, attempt=attempt, posted=sent.ok))
        runtime.metrics.handoff_events.labels(state="renotified").inc()
        await store.count({"renotifies": 1}, now)
    elif step == "second_tier" and config.second_tier_channel:
        text, blocks = renotify_post(h, now, who, second_tier=True)
        sent = await gateway.post_message(config.second_tier_channel, f"{who} {text}", blocks)
        if sent.ok:
            where = f"{sent.data.get('channel') or config.second_tier_channel}|{sent.data.get('ts')}"
            await store.update_handoff(handoff_id, {"second_tier_post": where})
        await store.append_audit(handoff_id, audit("bot", "second_tier", now, channel=config.second_tier_channel, posted=sent.ok))
        runtime.metrics.handoff_events.labels(state="second_tier").inc()
    if renotify_step(attempt + 1, config.renotify_max, bool(config.second_tier_channel)) != "stop":
        await store.schedule(sla_timer(handoff_id, attempt + 1), now + config.handoff_sla_minutes * 60)


async def fire_followup(runtime: Runtime, handoff_id: str) -> None:
    """Remind the agent who asked for help to check the customer got what the supervisor promised."""
    h = await load_handoff(runtime, handoff_id)
    if h is None or h.state != "resolved" or not h.requested_by:
        return
    now = runtime.clock()
    text, blocks = followup_reminder(h, now)
    sent = await runtime.gateway.dm(h.requested_by, text, blocks)
    await runtime.store.append_audit(handoff_id, audit("bot", "followup_reminded", now, to=h.requested_by, sent=sent.ok))
