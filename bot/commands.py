"""`/deescalate`: read what the agent typed, and render every answer as ephemeral Block Kit. Pure.

`parse(text)` gives one request dataclass (or `BadCommand`, which carries the usage line: a wrong
command is answered, never met with silence). The `*_message` builders return the payload for
`ack(...)` or a response_url; listeners in handlers/commands.py only fetch and send.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Sequence

from bot import ids
from bot.handoff import channel_ref
from bot.links import MessageLink, parse_link, split_link
from bot.report import Stats, duration, handoff_row, percent
from bot.safety import escape, quote, redact
from phrasebook import KINDS

COMMAND = "/deescalate"


def _arg(name: str) -> str:
    """A placeholder in usage text. Slack reads a raw <…> as a link or mention, so the brackets go as entities."""
    return f"&lt;{name}&gt;"


KIND, DRAFT, LINK = _arg("kind"), _arg("draft"), _arg("thread link")
USAGE = (
    f"Usage: `{COMMAND} help` · `{COMMAND} {KIND} [context words]` · `{COMMAND} check {DRAFT}` · "
    f"`{COMMAND} status {LINK}` · `{COMMAND} handoff {LINK} [note]` · `{COMMAND} handoffs` · "
    f"`{COMMAND} stats [7d|30d]`"
)
MAX_STATS_DAYS = 90
MAX_DRAFT = 3000
MAX_CONTEXT = 200
# Button values are capped by Slack at 2000 characters; ids are short, so this many always fit.
MAX_SHOWN_IDS = 40


# ---- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Phrases:
    kind: str
    context: str = ""
    step: int | None = None  # boundary only


@dataclass(frozen=True)
class Check:
    draft: str


@dataclass(frozen=True)
class Status:
    link: MessageLink


@dataclass(frozen=True)
class Handoff:
    link: MessageLink
    note: str = ""


@dataclass(frozen=True)
class Handoffs:
    pass


@dataclass(frozen=True)
class StatsRequest:
    days: int = 7


@dataclass(frozen=True)
class BadCommand:
    problem: str


@dataclass(frozen=True)
class Forget:
    scope: Any  # bot.store.ForgetScope


Request = Help | Phrases | Check | Status | Handoff | Handoffs | StatsRequest | Forget | BadCommand
SUBCOMMANDS = ("help", *KINDS, "check", "status", "handoff", "handoffs", "stats", "forget")


def parse(text: str) -> Request:
    """What the agent asked for, from the text after `/deescalate`."""
    words = (text or "").strip().split(None, 1)
    if not words:
        return Help()
    name, rest = words[0].lower(), (words[1].strip() if len(words) > 1 else "")
    if name in ("help", "?", "-h", "--help"):
        return Help()
    if name in KINDS:
        return _phrases(name, rest)
    if name == "check":
        if not rest:
            return BadCommand(f"`check` needs the draft reply to look at, e.g. `{COMMAND} check Calm down, it's not our fault.`")
        if len(rest) > MAX_DRAFT:
            return BadCommand(f"That draft is {len(rest)} characters; `check` reads at most {MAX_DRAFT}.")
        return Check(redact(rest))  # the answer echoes the draft: never the typist's own card or address
    if name in ("status", "handoff"):
        raw, note = split_link(rest)
        if not raw:
            return BadCommand(f"`{name}` needs a link to the thread: in Slack, open the message menu ⋮ → *Copy link*.")
        link = parse_link(raw)
        if link is None:
            return BadCommand(f"`{quote(raw, 60)}` is not a Slack message link (it looks like https://…slack.com/archives/C…/p…).")
        if name == "status":
            return Status(link) if not note else BadCommand("`status` takes only the thread link.")
        return Handoff(link, note)
    if name == "handoffs":
        return Handoffs() if not rest else BadCommand("`handoffs` takes no arguments.")
    if name == "stats":
        return _stats(rest)
    if name == "forget":
        from bot.forget import parse_words

        scope = parse_words(rest)
        return Forget(scope) if not isinstance(scope, str) else BadCommand(f"`forget`: {escape(scope)}.")
    close = difflib.get_close_matches(name, SUBCOMMANDS, n=1, cutoff=0.7)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    return BadCommand(f"I don't know the subcommand `{quote(name, 40)}`.{hint}")


def _phrases(kind: str, rest: str) -> Request:
    step = None
    if kind == "boundary":
        first, _, after = rest.partition(" ")
        if first.isdigit():
            if first not in ("1", "2", "3"):
                return BadCommand("A boundary step is 1 (respectful request), 2 (final warning) or 3 (end and follow up).")
            step, rest = int(first), after.strip()
    if len(rest) > MAX_CONTEXT:
        rest = rest[:MAX_CONTEXT]
    return Phrases(kind, redact(rest), step)  # echoed in the answer and kept in its button


def _stats(rest: str) -> Request:
    if not rest:
        return StatsRequest(7)
    raw = rest.lower()
    if raw.endswith("d") and raw[:-1].isdigit() and 1 <= int(raw[:-1]) <= MAX_STATS_DAYS:
        return StatsRequest(int(raw[:-1]))
    return BadCommand(f"`stats` takes a period in days like `7d` or `30d` (at most {MAX_STATS_DAYS}d).")


# ---- small Block Kit helpers ---------------------------------------------------------------------


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def ephemeral(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The payload for ack(...) or a response_url: only the person who asked sees it."""
    payload: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if blocks:
        payload["blocks"] = blocks
    return payload


# ---- answers ------------------------------------------------------------------------------------


def bad_command_message(bad: BadCommand) -> dict[str, Any]:
    return ephemeral(f"{bad.problem}\n{USAGE}", [_section(f":warning: {bad.problem}"), _context(USAGE)])


def refusal_message(text: str) -> dict[str, Any]:
    """A polite no. `text` is ours and plain: any <, > or & in it is shown as typed, never read as markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return ephemeral(text, [_section(f":no_entry: {text}")])


def help_message() -> dict[str, Any]:
    kinds = ", ".join(f"`{k}`" for k in KINDS)
    lines = [
        "*deescalate* follows your support threads. When a customer's frustration climbs it privately "
        "suggests wording to you (nobody else sees it), points out phrases in your replies that tend to "
        "make things worse, and lets you hand a thread to a supervisor with a ready summary.",
        f"*`{COMMAND} {KIND} [context words]`* – three phrasings of one kind, closest to your words first. "
        f"Kinds: {kinds}.\n_e.g._ `{COMMAND} apology late delivery` · `{COMMAND} boundary 2` "
        "(boundary steps: 1 request, 2 final warning, 3 end the conversation)",
        f"*`{COMMAND} check {DRAFT}`* – before you send: wording that may inflame, a calmer rewrite, and how "
        f"the draft itself reads.\n_e.g._ `{COMMAND} check As I already said, calm down.`",
        f"*`{COMMAND} status {LINK}`* – the thread's level, how it got there, flags, boundary step, "
        f"whispers sent and any handoff.\n_e.g._ `{COMMAND} status https://acme.slack.com/archives/C0123/p1700000000000100`",
        f"*`{COMMAND} handoff {LINK} [note]`* – hand the thread to a supervisor (opens the handoff "
        f"form).\n_e.g._ `{COMMAND} handoff https://acme.slack.com/archives/C0123/p1700000000000100 wants a refund over my limit`",
        f"*`{COMMAND} handoffs`* – supervisors: open handoffs, oldest first, with Accept buttons.",
        f"*`{COMMAND} stats [7d|30d]`* – tense threads, handoffs, time to accept, top triggers and root "
        "causes, whisper feedback.",
        f"*`{COMMAND} forget --user U… | --channel C… | --thread {LINK}`* – supervisors: delete what the bot "
        "keeps about a customer, a channel or a thread (records, handoff text, quoted audit lines).",
        "_Tip:_ copy a thread link from the message menu ⋮ → *Copy link*. Every answer here is private to you.",
    ]
    return ephemeral("deescalate: what it does and every subcommand", [_section(line) for line in lines])


def encode_another(kind: str, context: str, step: int | None, shown: Sequence[str]) -> str:
    """The "Another" button's value: enough to ask again without repeating what was shown."""
    value = {"k": kind, "c": context, "s": step, "o": list(shown)[-MAX_SHOWN_IDS:]}
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)[:2000]


def decode_another(value: str) -> tuple[Phrases, tuple[str, ...]] | None:
    """The request behind an "Another" click and the phrase ids already shown; None if tampered."""
    try:
        data = json.loads(value)
        kind, context, step, shown = data["k"], str(data.get("c", "")), data.get("s"), data.get("o", [])
    except (ValueError, KeyError, TypeError):
        return None
    if kind not in KINDS or (step is not None and step not in (1, 2, 3)) or not isinstance(shown, list):
        return None
    return Phrases(kind, redact(context[:MAX_CONTEXT]), step), tuple(str(s) for s in shown)


def next_phrasings(book: Any, request: Phrases, shown: Sequence[str] = (), count: int = 3) -> tuple[Any, tuple[str, ...]]:
    """(suggestion, ids shown before it): closest to the context first, then the rest of the kind, never
    repeating until every phrasing of the kind was seen, when the cycle starts over."""
    from dataclasses import replace

    from phrasebook import fill, suggest

    seen = set(shown)
    suggestion = suggest(book, request.kind, request.context, offered=tuple(shown), seed=len(shown), count=count, step=request.step)
    fresh = [(pid, text) for pid, text in suggestion.phrases if pid not in seen]
    if len(fresh) < count:  # the context's phrasings are used up: widen to the whole kind
        others = [p for p in book.phrases(request.kind) if request.step is None or p.step == request.step]
        taken = seen | {pid for pid, _ in fresh}
        fresh += [(p.id, fill(p.text)) for p in others if p.id not in taken][: count - len(fresh)]
    if not fresh:  # everything was shown once: start the cycle again
        return suggest(book, request.kind, request.context, count=count, step=request.step), ()
    return replace(suggestion, phrases=tuple(fresh)), tuple(shown)


def phrases_message(suggestion: Any, request: Phrases, shown_before: Sequence[str] = ()) -> dict[str, Any]:
    """Three phrasings of one kind with an "Another" button that cycles without repeats."""
    shown = [*shown_before, *(pid for pid, _ in suggestion.phrases)]
    about = f" for “{escape(request.context)}”" if request.context else ""
    blocks = [_section(f"*{escape(suggestion.title)}*{about}")]
    for _, text in suggestion.phrases:
        blocks.append(_section(f">{escape(text)}"))
    if not suggestion.phrases:
        blocks.append(_section("The phrasebook has no phrasings of this kind yet."))
    blocks.append(
        {
            "type": "actions",
            "elements": [_button("Another", ids.PHRASES_ANOTHER, encode_another(request.kind, request.context, request.step, shown))],
        }
    )
    blocks.append(_context("Adapt the words to your voice; only you can see this."))
    fallback = f"{suggestion.title}: " + " / ".join(text for _, text in suggestion.phrases)
    return ephemeral(fallback, blocks)


def check_message(draft: str, findings: Sequence[Any], rewritten: str, reading: Any) -> dict[str, Any]:
    """The coach's findings on a draft, a suggested rewrite, and the detector's reading of its tone."""
    blocks = [_section(f"*Your draft*\n>{quote(draft, 600)}")]
    if findings:
        lines = [f"• “{escape(f.matched)}” – {escape(f.why)}" + (f" Try: “{escape(f.reframe)}”" if f.reframe else "") for f in findings]
        blocks.append(_section("*Wording to reconsider*\n" + "\n".join(lines)))
        blocks.append(_section(f"*Suggested rewrite*\n>{escape(rewritten)}"))
    else:
        blocks.append(_section(":white_check_mark: Nothing in the wording is likely to inflame."))
    cues = ", ".join(f"{s.kind} (“{quote(s.evidence, 40)}”)" for s in reading.signals[:4])
    tone = f"*Tone*: reads as *{reading.level}* (tension {reading.tension:.2f})"
    if cues:
        tone += f"; cues: {cues}"
    if reading.flags:
        tone += f"; flags: {', '.join(reading.flags)}"
    blocks.append(_context(tone))
    text = f"{len(findings)} wording finding(s); tone reads {reading.level}"
    return ephemeral(text, blocks)


def _when(seconds_ago: float) -> str:
    return f"{duration(seconds_ago)} ago"


def _trajectory(levels: Sequence[str]) -> str:
    # Collapse runs so a long calm stretch reads as one step: calm → uneasy → tense.
    steps: list[str] = []
    for level in levels:
        if not steps or steps[-1] != level:
            steps.append(level)
    return " → ".join(steps[-6:]) if steps else "no customer messages yet"


def status_message(case: Any, handoff: dict[str, str] | None, link: MessageLink, now: float) -> dict[str, Any]:
    """A thread at a glance: level, trajectory, flags, boundary step, whispers, handoff state."""
    levels = list(getattr(case.tension, "levels", []) or []) if case.tension else [ln.level for ln in case.lines]
    lines = [
        f"*Level*: {case.level} (peak {case.peak_level})",
        f"*Trajectory*: {_trajectory(levels)}",
        f"*Flags*: {', '.join(case.flags) if case.flags else 'none'}",
        f"*Boundary step*: {case.boundary_step} of 3 whispered" + (f", agent reached step {case.agent_boundary}" if getattr(case, "agent_boundary", 0) else ""),
        f"*Whispers sent*: {case.whisper_count}" + (f", last {_when(now - case.last_whisper_at)}" if case.last_whisper_at else ""),
    ]
    if case.evidence:
        lines.append("*Why*: " + "; ".join(f"{k}: “{quote(v, 60)}”" for k, v in list(case.evidence.items())[:4]))
    if handoff:
        row = handoff_row(handoff)
        state = row.state or "unknown"
        detail = f"*Handoff*: {state}"
        if row.requested_at:
            detail += f", requested {_when(now - row.requested_at)}"
        if row.accepted_by:
            detail += f", accepted by <@{row.accepted_by}>"
        if row.root_cause:
            detail += f", root cause: {escape(row.root_cause)}"
        lines.append(detail)
    else:
        lines.append("*Handoff*: none")
    blocks = [_section(f"*Thread status* · <#{link.channel}>"), _section("\n".join(lines))]
    return ephemeral(f"Thread status: {case.level} (peak {case.peak_level})", blocks)


def unknown_thread_message() -> dict[str, Any]:
    text = "I have no record of that thread: either nothing was said in it since I joined, or its record expired."
    return ephemeral(text, [_section(text)])


def handoffs_message(handoffs: Sequence[dict[str, str]], now: float) -> dict[str, Any]:
    """Open handoffs, oldest first, with their age and Accept / Decline buttons."""
    rows = sorted((handoff_row(h) for h in handoffs), key=lambda r: r.requested_at or 0)
    if not rows:
        return ephemeral("No open handoffs.", [_section(":sparkles: No open handoffs right now.")])
    blocks: list[dict[str, Any]] = [_section(f"*Open handoffs* ({len(rows)}), oldest first")]
    for row, raw in list(zip(rows, handoffs))[:15]:
        blocks.extend(handoff_entry(row, raw, now))
    if len(rows) > 15:
        blocks.append(_context(f"…and {len(rows) - 15} more; see the supervisor channel."))
    return ephemeral(f"{len(rows)} open handoff(s)", blocks)


def handoff_entry(row: Any, raw: dict[str, str], now: float) -> list[dict[str, Any]]:
    """One handoff line plus its buttons (shared with App Home)."""
    age = _when(now - row.requested_at) if row.requested_at else "age unknown"
    where = _thread_link(row.permalink, row.channel)
    issue = quote(raw.get("issue", ""), 90) or "no summary"
    who = f" · agent <@{row.agent}>" if row.agent else ""
    state = " · *accepted*" + (f" by <@{row.accepted_by}>" if row.accepted_by else "") if row.state == "accepted" else ""
    text = f"*{escape(row.severity or 'medium')}* · {where} · {issue}\nrequested {age}{who}{state}"
    blocks: list[dict[str, Any]] = [_section(text)]
    if row.state == "open":
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    _button("Accept", ids.HANDOFF_ACCEPT, row.id, "primary"),
                    _button("Decline", ids.HANDOFF_DECLINE, row.id),
                ],
            }
        )
    return blocks


def _thread_link(permalink: str, channel: str) -> str:
    # Only a Slack permalink becomes a link, and only a channel id a channel mention: both were stored
    # from a submission, and a forged one must not smuggle markup (<!channel>, an outside link) in.
    if permalink.startswith("https://") and ".slack.com/" in permalink and not any(c in permalink for c in "<>| "):
        return f"<{permalink}|thread>"
    return channel_ref(channel)


def stats_message(stats: Stats, *, supervisor: bool) -> dict[str, Any]:
    """The team's figures for the period; boundary events per agent only for supervisors (wellbeing)."""
    lines = [
        f"*Tense threads*: {stats.threads_tense} · *whispers*: {stats.whispers} · *abuse events*: {stats.abuse_events}",
        f"*Handoffs*: {stats.handoffs} · accepted {stats.accepts} · declined {stats.declines} · resolved {stats.resolved}"
        f" · median time to accept {duration(stats.median_accept_seconds)}",
        f"*Whisper feedback*: {percent(stats.helpful_rate)} helpful ({stats.helpful} 👍 / {stats.not_helpful} 👎)",
        "*Top triggers*: " + (", ".join(f"{k} ({n})" for k, n in stats.top_triggers) or "none"),
        "*Top root causes*: " + (", ".join(f"{escape(k)} ({n})" for k, n in stats.top_root_causes) or "none recorded"),
    ]
    blocks = [_section(f"*Last {stats.days} day{'s' if stats.days != 1 else ''}*"), _section("\n".join(lines))]
    if supervisor:
        per_agent = ", ".join(f"<@{agent}> {n}" for agent, n in stats.boundary_by_agent) or "none"
        blocks.append(_section(f"*Boundary events per agent* (for wellbeing check-ins): {per_agent}"))
        blocks.append(_context("Only supervisors see the per-agent line."))
    return ephemeral(f"Stats for the last {stats.days} days", blocks)


def forget_message(sentence: str) -> dict[str, Any]:
    """What a supervisor's `forget` deleted (ids and counts only, no customer text)."""
    return ephemeral(sentence, [_section(f":wastebasket: {escape(sentence)}")])


def looking_up() -> dict[str, Any]:
    return ephemeral("Looking that up…")

