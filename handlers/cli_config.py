"""Configuration for a `deescalate` subcommand: every problem printed at once, typos warned about."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO

from bot.config import Config, ConfigError, load_config


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
