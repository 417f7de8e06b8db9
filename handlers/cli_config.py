"""Configuration for a `deescalate` subcommand: every problem printed at once, typos warned about."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import IO, Any, TypeVar

from bot.config import Config, ConfigError, load_config

T = TypeVar("T")


def describe(error: ConfigError) -> str:
    """"configuration error: X: …" for one problem, an indented list for several."""
    if len(error.problems) == 1:
        return f"configuration error: {error}"
    lines = "\n".join(f"  {name}: {problem}" for name, problem in error.problems)
    return f"{len(error.problems)} configuration errors:\n{lines}"


def cli_config(prog: str, *, mode: str = "offline", environ: Mapping[str, str] | None = None,
               err: IO[str] | None = None) -> Config | None:
    """The Config, after printing its warnings to `err`; None (problems printed) when it is invalid."""
    err = err or sys.stderr
    try:
        config = load_config(mode=mode, environ=environ)
    except ConfigError as exc:
        print(f"{prog}: {describe(exc)}", file=err)
        return None
    for warning in config.warnings:
        print(f"{prog}: warning: {warning}", file=err)
    return config


def store_config(prog: str, no_store: str, *, environ: Mapping[str, str] | None = None,
                 err: IO[str] | None = None) -> tuple[Config | None, int]:
    """(Config, 0) for a command that needs the Redis at REDIS_URL; (None, exit status) after saying why not."""
    err = err or sys.stderr
    config = cli_config(prog, environ=environ, err=err)
    if config is None:
        return None, 2
    if not config.redis_url:
        print(no_store, file=err)
        return None, 1
    return config, 0


def on_store(config: Config, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work(store)` on the Store at REDIS_URL and close it (write-behind counters flushed)."""
    from bot.store import Store

    async def run() -> T:
        store = Store.connect(config.redis_url, thread_ttl_days=config.thread_ttl_days, retention_days=config.retention_days)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())
