"""App Home: publish the tab when someone opens it (views.publish), built from the store."""

from __future__ import annotations

import logging
from typing import Any

from bot.case import Case
from bot.home import home_view
from bot.report import build_stats

log = logging.getLogger("deescalate.home")
HOME_DAYS = 7


def register(app, runtime) -> None:  # noqa: ANN001
    @app.event("app_home_opened")
    async def on_home_opened(event: dict) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return  # the Messages tab needs nothing from us
        runtime.spawn(publish(runtime, str(event["user"])), name="home")


async def publish(runtime: Any, user: str) -> None:
    """Build and publish one person's Home tab."""
    from handlers.handoffs.flow import is_supervisor
    from phrasebook.model import KINDS, TITLES

    now = runtime.clock()
    supervisor = await is_supervisor(runtime, user)
    stats = None
    queue: list[dict[str, str]] = []
    if supervisor:
        queue = await runtime.store.open_handoffs()
        counters = await runtime.store.daily_counters(HOME_DAYS, now)
        stats = build_stats(counters, await runtime.store.handoffs_since(now - HOME_DAYS * 86400), days=HOME_DAYS)
    cases = []
    for channel, root_ts in await runtime.store.agent_threads(user, now):
        _, record = await runtime.store.load_thread(channel, root_ts)
        if record is not None:
            cases.append(Case.from_dict(record))
    view = home_view(supervisor=supervisor, open_handoffs=queue, stats=stats, cases=cases, kinds=KINDS, titles=TITLES, now=now)
    await runtime.gateway.publish_home(user, view)
