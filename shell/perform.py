"""Effects to calls: what bot.whisper decided (whispers, nudges, alerts, recovery, timers, counters),
sent and stored after the thread's commit. Whispers go first, since an agent is waiting on them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import whisper_blocks as wb
from bot.case import Case
from bot.whisper import Action, Alert, Count, NoteAgent, Nudge, Recovery, Schedule, Whisper, recovery_for

log = logging.getLogger("deescalate.events")

RECOVERY_EVERY_SECONDS = 3600


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
            await send_recovery_nudge(runtime, action)
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


async def send_recovery_nudge(runtime: Any, recovery: Recovery) -> bool:
    """A recovery DM, at most once an hour per agent (across replicas); True if sent."""
    if not await runtime.store.once(f"recovery:{recovery.user}", RECOVERY_EVERY_SECONDS):
        return False
    sent = await runtime.gateway.dm(recovery.user, recovery.text, list(recovery.blocks))
    return sent.ok


async def send_recovery(runtime: Any, case: Case, agent: str) -> bool:
    """A recovery nudge to `agent` after a thread with abuse (at most once per hour per agent); True if sent.

    Sent when an abusive thread goes quiet, and when a handoff is opened for such a thread.
    """
    recovery = recovery_for(case, agent, runtime.clock(), runtime.book)
    return recovery is not None and await send_recovery_nudge(runtime, recovery)
