"""`deescalate forget --user U… | --channel C… | --thread <link>`: delete stored customer data in the Redis at REDIS_URL."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO

from bot.forget import scope_from, summary
from handlers.cli_config import on_store, store_config

NO_STORE = (
    "deescalate forget: REDIS_URL is not set. The embedded store lives inside the running bot's process, "
    "so there is nothing here to delete: ask a supervisor to use `/deescalate forget` in Slack, or point "
    "REDIS_URL at the Redis the bot uses."
)


def run(*, user: str | None = None, channel: str | None = None, thread: str | None = None, by: str = "cli",
        out: IO[str] | None = None, err: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Delete, print what was deleted, return the exit status (2 bad usage or config, 1 store trouble)."""
    out = out or sys.stdout
    err = err or sys.stderr
    scope = scope_from(user=user, channel=channel, thread=thread)
    if isinstance(scope, str):
        print(f"deescalate forget: {scope}", file=err)
        return 2
    config, status = store_config("deescalate forget", NO_STORE, environ=environ, err=err)
    if config is None:
        return status
    try:
        result = on_store(config, lambda store: store.forget(scope, who=f"cli:{by}"))
    except Exception as exc:  # Redis down or unreachable: say so plainly
        print(f"deescalate forget: cannot reach the store at REDIS_URL: {type(exc).__name__}: {exc}", file=err)
        return 1
    print(summary(scope, result), file=out)
    return 0

