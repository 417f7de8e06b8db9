"""`deescalate serve --check`: everything start-up would depend on, checked and shown as one table.

Configuration (already validated by the caller), the phrasebook, the store (Redis PING, or the
embedded store), and the token (one `auth.test`). Exit 0 when every check passed, 2 otherwise.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from bot.config import Config, People


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run(config: Config, book: Any, out: TextIO) -> int:
    """Run the checks, print them (secrets masked), and return the exit code."""
    checks = [
        Check("configuration", True, _summary(config)),
        Check("phrasebook", True, f"{book.language}, {len(book)} phrases" + (f" (+ {config.phrasebook})" if config.phrasebook else "")),
        *asyncio.run(_live_checks(config)),
    ]
    console = Console(file=out, highlight=False, soft_wrap=False, width=max(100, Console(file=out).width))
    table = Table(title="deescalate serve --check", title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for check in checks:
        table.add_row(check.name, "[green]OK[/]" if check.ok else "[red]FAIL[/]", _plain(check.detail))
    console.print(table)
    values = Table(title="configuration (secrets masked)", title_justify="left")
    values.add_column("setting")
    values.add_column("value", overflow="fold")
    for name, value in config.redacted().items():
        values.add_row(name, _plain(_shown(value)))
    console.print(values)
    failed = [c.name for c in checks if not c.ok]
    console.print(f"[red]not ready: {', '.join(failed)}[/]" if failed else "[green]ready to serve[/]")
    return 2 if failed else 0


def _summary(config: Config) -> str:
    parts = ["Socket Mode" if config.socket_mode else f"HTTP on {config.host}:{config.port}", f"handoffs to {config.supervisor_channel}"]
    if config.customer_bots:
        parts.append(f"{len(config.customer_bots)} helpdesk bot(s) speak for customers")
    if config.log_format != "text":
        parts.append(f"{config.log_format} logs")
    return "; ".join(parts)


async def _live_checks(config: Config) -> list[Check]:
    from bot.store import Store
    from handlers.gateway import SlackGateway, make_client
    from handlers.metrics import Metrics
    from handlers.slack_auth import AUTH_FAILURES

    checks: list[Check] = []
    store = Store.connect(config.redis_url, thread_ttl_days=config.thread_ttl_days, retention_days=config.retention_days)
    try:
        if not store.persistent:
            checks.append(Check("store", True, "embedded in-process store (not persistent; set REDIS_URL for production)"))
        else:
            try:
                up = await asyncio.wait_for(store.ping(), timeout=3)
            except asyncio.TimeoutError:
                up = False
            where = config.redacted()["redis_url"]
            checks.append(Check("store", up, f"Redis at {where} " + ("answers PING" if up else "does not answer (REDIS_URL)")))
    finally:
        await store.close()

    client = make_client(config.bot_token, config.api_url)
    sent = await SlackGateway(client, Metrics()).auth_test(timeout=5)
    if sent.ok:
        data = sent.data
        checks.append(Check("slack auth", True, f"bot {data.get('user_id')} ({data.get('user')}) in {data.get('team')} ({data.get('team_id')})"))
    elif sent.error in AUTH_FAILURES:
        checks.append(Check("slack auth", False, f"SLACK_BOT_TOKEN: Slack refused the token ({sent.error})"))
    else:
        checks.append(Check("slack auth", False, f"auth.test got no answer from {config.api_url} ({sent.error}); check the network or SLACK_API_URL"))
    return checks


def _shown(value: object) -> str:
    if isinstance(value, People):
        return ", ".join([*sorted(value.users), *([value.group] if value.group else [])]) or "—"
    if isinstance(value, (frozenset, set)):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


def _plain(text: str) -> str:
    """Rich markup off: configuration values are printed as typed."""
    return text.replace("[", "\\[")
