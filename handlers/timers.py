"""The timer loop: every replica polls the store's sorted set of due timers; ZREM hands each timer to
exactly one of them, so SLA re-notifies, follow-up reminders, recovery nudges and unattended-thread
alerts fire once, and survive restarts because they live in Redis, not in memory.

A timer is claimed before it runs: if a replica dies between the two, that one timer is lost
rather than sent twice (a missed reminder is cheaper than a duplicate ping to a whole group).
Each feature registers what fires its kinds of timer (runtime.timers); this module only dispatches.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import effects
from shell.app import Runtime

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
    """Run the timer by the feature that registered its kind; an unknown kind is dropped."""
    run = runtime.timers.get(effects.parse(timer).kind)
    if run is None:
        log.warning("unknown timer %r dropped", timer)
        return
    await run(runtime, timer)
