"""Handoff timers: the SLA re-notify (repost, then the second tier) and the follow-up reminder.

The policy is bot/handoff.py's `sla_plan`; this sends what it says. handlers/timers.py claims the
timers and calls `fire` here for the kinds this feature registered.
"""

from __future__ import annotations

import dataclasses
import logging

from bot import effects
from bot.handoff import audit, repost_changes, sla_plan
from bot.handoff_blocks import followup_reminder, group_mention, renotify_post
from handlers.handoffs.flow import load_handoff, refresh_posts
from shell.app import Runtime

log = logging.getLogger("deescalate.timers")


async def fire(runtime: Runtime, timer: str) -> None:
    """An `sla|…` or `followup|…` timer came due."""
    parsed = effects.parse(timer)
    if parsed.kind == effects.SLA:
        await fire_sla(runtime, parsed.handoff_id, parsed.attempt)
    else:
        await fire_followup(runtime, parsed.handoff_id)


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
