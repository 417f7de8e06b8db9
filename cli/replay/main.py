"""Print a replay: per thread the messages with the level after each, the whispers, where a handoff
would have been suggested; then totals. `--format json` gives the same as one object."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from dataclasses import asdict
from typing import IO, Sequence

from bot.adoption import change
from bot.moves import said
from bot.report import parse_since, percent
from cli.config import cli_config
from cli.replay.input import STDIN, ReplayInputError, load_threads
from cli.replay.run import ThreadResult, replay_threads, totals

PROGRESS_OVER = 50  # threads; below this a non-terminal run prints no progress at all
_LEVEL_MARK = {"calm": " ", "uneasy": "·", "tense": "▲", "heated": "▲▲"}


def run(
    paths: str | Sequence[str],
    *,
    channel: str | None = None,
    since: str | None = None,
    fmt: str = "text",
    agents: Sequence[str] = (),
    full: bool = False,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    stdin: IO[str] | None = None,
) -> int:
    """The `deescalate replay` command on one or more paths (`-` = JSONL on stdin); returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    paths = [paths] if isinstance(paths, str) else list(paths)
    if paths.count(STDIN) > 1:
        print("deescalate replay: '-' (standard input) can be given only once", file=err)
        return 2
    try:
        cutoff = parse_since(since, time.time()) if since else None
    except ValueError as exc:
        print(f"deescalate replay: --since: {exc}", file=err)
        return 2
    config = cli_config("deescalate replay", err=err)
    if config is None:
        return 2
    people = frozenset(a.strip() for a in agents if a.strip())
    threads = []
    try:
        for path in paths:
            threads += load_threads(path, channel=channel, since=cutoff, agents=people, stdin=stdin)
    except ReplayInputError as exc:
        print(f"deescalate replay: {exc}", file=err)
        return 1
    threads.sort(key=lambda t: t.started)
    levels = _quiet_logs()
    try:
        results = asyncio.run(_with_progress(config, threads, err))
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    if fmt == "json":
        out.write(render_json(results) + "\n")
    else:
        out.write(render_text(results, full=full))
    return 0


async def _with_progress(config, threads, err):  # noqa: ANN001, ANN202
    show = bool(threads) and (len(threads) > PROGRESS_OVER or (hasattr(err, "isatty") and err.isatty()))
    if not show:
        return await replay_threads(config, threads)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(file=err), transient=True,
    ) as bar:
        task = bar.add_task("replaying threads", total=len(threads))
        return await replay_threads(config, threads, lambda n: bar.update(task, completed=n))


def _quiet_logs() -> dict[str, int]:
    """Silence the bot's own logs for the run (the embedded store's "not persistent" warning is
    exactly what a replay wants); returns the levels to restore."""
    names = ("deescalate", "slack_bolt", "slack_sdk", "aiohttp")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return levels


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clock(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(ts))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_text(results: Sequence[ThreadResult], *, full: bool = False) -> str:
    """The replay as text; `full` shows every line whole and each whisper's "Why"."""
    clip = (lambda text, _limit: " ".join(text.split())) if full else _one_line
    lines: list[str] = []
    for number, result in enumerate(results, start=1):
        thread = result.thread
        where = f"#{thread.channel} · " if thread.channel else ""
        flags = f" · flags: {', '.join(result.flags)}" if result.flags else ""
        lines.append(
            f"── Thread {number}/{len(results)}: {where}{thread.key} ({thread.source}) · "
            f"{len(result.steps)} messages · peak {result.peak_level}{flags}"
        )
        width = max((len(f"{s.message.role} {s.message.user}") for s in result.steps), default=10)
        for step in result.steps:
            m = step.message
            who = f"{m.role} {m.user}".ljust(width)
            level = (step.level or "–").ljust(6)
            mark = _LEVEL_MARK.get(step.level or "", " ").ljust(2)
            lines.append(f"  {_clock(m.ts)}  {who}  {level} {mark} {clip(m.text, 90)}")
            if m.role == "agent" and (step.moves or step.used):
                # A reply with no move of the practice and no suggestion to answer says nothing worth a line.
                moves = said(step.moves) or "no move the plan knows"
                used = f" · {'; '.join(_used_line(u) for u in step.used)}" if step.used else ""
                lines.append(f"      · moves: {moves}{used}")
            for whisper in step.whispers:
                if whisper.tip:
                    lines.append(f"      ↳ wording tip to {whisper.to}: {clip(whisper.text, 110)}")
                    continue
                kind = f" ({whisper.kind})" if whisper.kind else ""
                title = f" “{whisper.title}”" if whisper.title else ""
                lines.append(f"      ↳ whisper to {whisper.to}{kind}{title}:")
                if whisper.step:
                    lines.append(f"          step: {whisper.step} — {whisper.plan}")
                for shown in whisper.lines[:3]:
                    lines.append(f"          “{clip(shown, 110)}”")
                if full and whisper.why:
                    lines.append(f"          {whisper.why}")
            for post in step.posts:
                lines.append(f"      ↳ bot posted: {clip(post, 110)}")
            if step.abuse_events:
                lines.append("      ↳ abuse recorded")
            if step.handoff_suggested:
                lines.append("      ↳ a handoff to a supervisor would be suggested here")
        lines.append("")
    t = totals(results)
    lines.append(
        f"Totals: {_n(t.threads, 'thread')}, {_n(t.messages, 'message')} · {t.flagged} flagged (reached tense or heated) · "
        f"{_n(t.whispers, 'whisper')} ({t.whispers_per_thread:g} per thread) · {_n(t.wording_tips, 'wording tip')} · "
        f"{_n(t.abuse_events, 'abuse event')} · {_n(t.handoff_suggestions, 'handoff suggestion')}"
    )
    if t.suggestions_answered:
        lines.append(
            f"Suggestions: {t.suggestions_used} of {t.suggestions_answered} answered were used (adoption {percent(t.adoption_rate)}) · "
            f"median tension change on the customer's next message: {change(t.tension_change_used)} after a used one, "
            f"{change(t.tension_change_unused)} after an unused one"
        )
    else:
        lines.append("Suggestions: no whisper had an agent reply after it, so nothing to measure")
    return "\n".join(lines) + "\n"


def _used_line(entry: str) -> str:
    kind, _, used = entry.partition(": ")
    return f"did not use the {kind} suggestion" if used == "not used" else f"used the {kind} suggestion ({used})"


def render_json(results: Sequence[ThreadResult]) -> str:
    threads = []
    for result in results:
        thread = result.thread
        threads.append(
            {
                "source": thread.source,
                "channel": thread.channel,
                "thread": thread.key,
                "peak_level": result.peak_level,
                "flagged": result.flagged,
                "flags": result.flags,
                "boundary_step": result.boundary_step,
                "messages": [
                    {
                        **asdict(step.message),
                        "level": step.level,
                        "whispers": [asdict(w) for w in step.whispers],
                        "posts": step.posts,
                        "abuse_events": step.abuse_events,
                        "handoff_suggested": step.handoff_suggested,
                        "moves": step.moves,
                        "used": step.used,
                    }
                    for step in result.steps
                ],
            }
        )
    return json.dumps({"threads": threads, "totals": asdict(totals(results))}, indent=2, ensure_ascii=False)
