"""The timer loop: every replica polls the store's sorted set of due timers; ZREM hands each timer to
exactly one of them, so SLA re-notifies, follow-up reminders, recovery nudges and unattended-thread
alerts fire once, and survive restarts because they live in Redis, not in memory.

A timer is claimed before it runs: if a replica dies between the two, that one timer is lost
rather than sent twice (a missed reminder is cheaper than a duplicate ping to a whole group).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from bot import effects
from bot.handoff import audit, repost_changes, sla_plan
from bot.handoff_blocks import followup_reminder, group_mention, renotify_post
from shell.app import Runtime
from handlers.whispers.messages import fire_recovery, fire_unattended
from handlers.handoffs.flow import load_handoff, refresh_posts

log = logging.getLogger("deescalate.timers")


def register(app: Any, runtime: Runtime) -> None:
    runtime.loops.append(timer_loop)


async def timer_loop(runtime: Runtime) -> None:
    """Claim due timers every `timer_poll_seconds` and run each as tracked background work."""
    while not _stopping():
        try:
            for timer in await runtime.store.claim_due(runtime.clock()):
                runtime.spawn(fire(runtime, timer), f"timer:{effects.parse(timer).kind}")
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
    parsed = effects.parse(timer)
    if parsed.kind == effects.SLA:
        await fire_sla(runtime, parsed.handoff_id, parsed.attempt)
    elif parsed.kind == effects.FOLLOWUP:
        await fire_followup(runtime, parsed.handoff_id)
    elif parsed.kind == effects.RECOVERY:
        await fire_recovery(runtime, timer)
    elif parsed.kind == effects.UNATTENDED:
        await fire_unattended(runtime, timer)
    else:
        log.warning("unknown timer %r dropped", timer)


async def fire_sla(runtime: Runtime, handoff_id: str, attempt: int) -> None:
    """Nobody took the handoff in time: post it again with a mention, or escalate to the second tier."""
    config, gateway, store = runtime.config, runtime.gateway, runtime.store
    h = await load_handoff(runtime, handoff_id)
    now = runtime.clock()
    plan = sla_plan(h, attempt, now, renotify_max=config.renotify_max, sla_minutes=config.handoff_sla_minutes,
                    supervisor_channel=config.supervisor_channel, second_tier_channel=config.second_tier_channel)
    if plan is None or h is None:
        return  # accepted, declined or gone meanwhile, or past the last step: nothing to chase
    who = group_mention(config.supervisors.group, config.supervisors.users)
    if plan.post == "repost":
        h = dataclasses.replace(h, renotified=attempt)
        text, blocks = renotify_post(h, now, who)
        sent = await gateway.post_message(plan.channel, f"{who} {text}", blocks)
        sent_ts = str(sent.data.get("ts")) if sent.ok else None
        await store.update_handoff(handoff_id, repost_changes(h, attempt, sent_ts, str(sent.data.get("channel") or plan.channel)))
        await store.append_audit(handoff_id, audit("bot", "renotified", now, attempt=attempt, posted=sent.ok))
        if sent.ok:
            # Accepted (or declined) while this post went out: the accept rendered the posts it knew of,
            # so this one is brought up to date here.
            latest = await load_handoff(runtime, handoff_id)
            if latest is not None and latest.state != "open":
                await refresh_posts(runtime, latest)
        runtime.metrics.handoff_events.labels(state="renotified").inc()
        await store.count({"renotifies": 1}, now)
    elif plan.post == "second_tier":
        text, blocks = renotify_post(h, now, who, second_tier=True)
        sent = await gateway.post_message(plan.channel, f"{who} {text}", blocks)
        if sent.ok:
            await store.update_handoff(handoff_id, {"second_tier_post": f"{sent.data.get('channel') or plan.channel}|{sent.data.get('ts')}"})
        await store.append_audit(handoff_id, audit("bot", "second_tier", now, channel=plan.channel, posted=sent.ok))
        runtime.metrics.handoff_events.labels(state="second_tier").inc()
    if plan.next_timer is not None:
        await store.schedule(*plan.next_timer)


async def fire_followup(runtime: Runtime, handoff_id: str) -> None:
    """Remind the agent who asked for help to check the customer got what the supervisor promised."""
    h = await load_handoff(runtime, handoff_id)
    if h is None or h.state != "resolved" or not h.requested_by:
        return
    now = runtime.clock()
    text, blocks = followup_reminder(h, now)
    sent = await runtime.gateway.dm(h.requested_by, text, blocks)
    await runtime.store.append_audit(handoff_id, audit("bot", "followup_reminded", now, to=h.requested_by, sent=sent.ok))
