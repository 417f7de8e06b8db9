"""App Home views: supervisors see the handoff queue and the week; agents see their threads and a refresher. Pure."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot.commands import COMMAND, handoff_entry
from bot.handoff import channel_ref
from bot.report import Stats, duration, handoff_row, percent
from bot.safety import escape, quote

MAX_QUEUE = 20  # keeps the view far under Slack's 100-block ceiling (2 blocks per handoff)
MAX_THREADS = 15

# Our own short reminders of what works in a heated conversation.
TECHNIQUES = (
    ("Let them finish", "Read the whole message before you answer; reply to the feeling first, then the facts."),
    ("Name what happened", "Say back the problem in your words, so they know it landed: “Your parcel is a week late and nobody told you.”"),
    ("Own one clear step", "Promise something you control, with a time: “I'll check with the warehouse and update you by 3 pm.”"),
    ("Skip the triggers", "“Calm down”, “as I said”, “policy says” and “unfortunately” usually add fuel; the coach flags them."),
    ("Boundaries in steps", "Abuse aimed at you: 1 ask for respect, 2 a final warning, 3 end the chat and follow up in writing."),
    ("Hand over early", "A demand beyond your reach or a threat is a handoff, not a failure. Use *Start handoff* or the message menu."),
)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _home(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "home", "blocks": blocks[:100]}


def supervisor_blocks(open_handoffs: Sequence[Mapping[str, str]], stats: Stats, now: float) -> list[dict[str, Any]]:
    """Open handoffs with Accept buttons, the last days at a glance, top root causes."""
    from bot.sparkline import sparkline

    blocks: list[dict[str, Any]] = [_header(f"Handoff queue ({len(open_handoffs)} open)")]
    rows = sorted(((handoff_row(h), dict(h)) for h in open_handoffs), key=lambda pair: pair[0].requested_at or 0)
    if not rows:
        blocks.append(_section(":sparkles: Nothing waiting for a supervisor."))
    for row, raw in rows[:MAX_QUEUE]:
        blocks.extend(handoff_entry(row, raw, now))
    if len(rows) > MAX_QUEUE:
        blocks.append(_context(f"…and {len(rows) - MAX_QUEUE} more: `{COMMAND} handoffs` or the supervisor channel."))
    blocks.append({"type": "divider"})
    blocks.append(_header(f"Last {stats.days} days"))
    glance = []
    for label, name in (("tense threads", "tense"), ("whispers", "whispers"), ("handoffs", "handoffs")):
        series = list(stats.daily.get(name, ()))
        glance.append(f"`{sparkline(series) if series else ''}` {sum(series)} {label}")
    glance.append(
        f"median time to accept {duration(stats.median_accept_seconds)} · declined {stats.declines} · "
        f"whisper feedback {percent(stats.helpful_rate)} helpful"
    )
    blocks.append(_section("\n".join(glance)))
    causes = ", ".join(f"{escape(k)} ({n})" for k, n in stats.top_root_causes) or "none recorded yet"
    blocks.append(_section(f"*Top root causes*: {causes}"))
    if stats.boundary_by_agent:
        per_agent = ", ".join(f"<@{agent}> {n}" for agent, n in stats.boundary_by_agent[:10])
        blocks.append(_context(f"Boundary events per agent (a nudge for a check-in): {per_agent}"))
    return blocks


def agent_blocks(cases: Sequence[Any], kinds: Sequence[str], titles: Mapping[str, str], now: float) -> list[dict[str, Any]]:
    """The agent's threads today, a refresher of the techniques, and the phrasebook kinds."""
    blocks: list[dict[str, Any]] = [_header("Your threads today")]
    if not cases:
        blocks.append(_section("No threads yet today. When a customer gets upset in one of yours, I'll whisper suggestions there."))
    ordered = sorted(cases, key=lambda c: (-_rank(c.level), -(c.last_customer_at or 0)))
    for case in ordered[:MAX_THREADS]:
        last = quote(case.lines[-1].text, 80) if case.lines else ""
        when = f" · last customer message {duration(now - case.last_customer_at)} ago" if case.last_customer_at else ""
        handoff = " · handoff open" if case.handoff_id else ""
        text = f"*{case.level}* (peak {case.peak_level}) in {channel_ref(case.channel)}{when}{handoff}"
        if last:
            text += f"\n>{last}"
        blocks.append(_section(text))
    blocks.append({"type": "divider"})
    blocks.append(_header("What helps when it gets tense"))
    blocks.append(_section("\n".join(f"• *{name}.* {tip}" for name, tip in TECHNIQUES)))
    blocks.append({"type": "divider"})
    blocks.append(_header("Phrasebook"))
    listed = " · ".join(f"`{k}` {titles.get(k, k)}" for k in kinds)
    blocks.append(_section(f"Ask for three phrasings of any kind: `{COMMAND} <kind> [context words]`\n{listed}"))
    blocks.append(_context(f"e.g. `{COMMAND} apology late delivery` · `{COMMAND} check <your draft>` · `{COMMAND} help`"))
    return blocks


def _rank(level: str) -> int:
    from bot.vocabulary import level_index

    return level_index(level) if level in ("calm", "uneasy", "tense", "heated") else 0


def home_view(*, supervisor: bool, open_handoffs: Sequence[Mapping[str, str]], stats: Stats | None,
              cases: Sequence[Any], kinds: Sequence[str], titles: Mapping[str, str], now: float) -> dict[str, Any]:
    """The whole Home tab: supervisors get the queue and the week above their own threads."""
    blocks: list[dict[str, Any]] = []
    if supervisor and stats is not None:
        blocks += supervisor_blocks(open_handoffs, stats, now)
        blocks.append({"type": "divider"})
    blocks += agent_blocks(cases, kinds, titles, now)
    return _home(blocks)
