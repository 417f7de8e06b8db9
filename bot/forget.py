"""`forget`: which data a deletion request names, read from CLI options or `/deescalate forget …`. Pure."""

from __future__ import annotations

import re

from bot.links import parse_link
from bot.store import Forgotten, ForgetScope

_USER = re.compile(r"^(?:<@)?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")
_CHANNEL = re.compile(r"^(?:<#)?([CGD][A-Z0-9]{2,})(?:\|[^>]*)?>?$")
USAGE = "forget --user U… | --channel C… | --thread <thread link>"


def scope_from(*, user: str | None = None, channel: str | None = None, thread: str | None = None) -> ForgetScope | str:
    """The scope for exactly one of the three options, or a sentence saying what is wrong."""
    given = [name for name, value in (("--user", user), ("--channel", channel), ("--thread", thread)) if value]
    if len(given) != 1:
        return f"name exactly one of --user, --channel or --thread (got {', '.join(given) or 'none'})"
    if user:
        found = _USER.match(user.strip())
        return ForgetScope(user=found.group(1)) if found else f"--user takes a user id like U0123ABCD, got {user.strip()[:40]!r}"
    if channel:
        found = _CHANNEL.match(channel.strip())
        return ForgetScope(channel=found.group(1)) if found else f"--channel takes a channel id like C0123ABCD, got {channel.strip()[:40]!r}"
    link = parse_link(thread or "")
    if link is None:
        return "--thread takes a Slack message link (message menu ⋮ → Copy link)"
    return ForgetScope(thread=(link.channel, link.root_ts))


def parse_words(text: str) -> ForgetScope | str:
    """`--user U1` / `--channel C1` / `--thread <link>` as typed after `/deescalate forget`."""
    words = text.split()
    if len(words) != 2 or words[0] not in ("--user", "--channel", "--thread"):
        return f"usage: {USAGE}"
    return scope_from(**{words[0][2:]: words[1]})


def summary(scope: ForgetScope, result: Forgotten) -> str:
    """One plain sentence of what was deleted (ids and counts only)."""
    what, target = scope.describe()
    return (
        f"Forgot {what} {target}: {_n(result.threads, 'thread record')} deleted, "
        f"text removed from {_n(result.handoffs, 'handoff')} (state and times kept for the counts), "
        f"{_n(result.audit_entries, 'audit quote')} removed, {_n(result.timers, 'thread timer')} cancelled. "
        "The deletion is logged (who, scope, counts)."
    )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
