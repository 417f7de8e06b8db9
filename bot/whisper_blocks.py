"""Block Kit for what only an agent sees: whispers, wording nudges, recovery nudges, and the unattended alert.

Pure builders: plain data in, (fallback text, blocks) out. Customer words reach a block only through
bot.safety.quote(); phrasebook and agent text is escaped, since both are typed by people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot import ids
from bot.blocks import button as _button
from bot.blocks import header as _header
from bot.safety import escape, quote

# A trigger named in words an agent reads at a glance ("why: waiting, billing").
TRIGGER_WORDS = {
    "volume": "shouting",
    "repeat_question": "asked again",
    "terse": "short replies",
    "frustration": "frustration",
    "delay": "waiting",
    "repeat_contact": "contacted before",
    "transfer": "passed around",
    "refund": "refund",
    "billing": "billing",
    "outage": "something is down",
    "defect": "something is broken",
    "churn": "may leave",
    "legal": "legal pressure",
    "public": "going public",
    "authority": "wants a manager",
    "compensation": "wants compensation",
    "abuse": "insults",
    "profanity": "swearing",
    "threat": "threat",
    "hate": "hate speech",
}

LEVEL_MARK = {"calm": "🟢", "uneasy": "🟡", "tense": "🟠", "heated": "🔴"}

FEEDBACK_THANKS = {
    "helpful": "Thanks, noted as helpful. It helps us pick better phrasings.",
    "not_helpful": "Thanks, noted as not helpful. We'll lean on other phrasings.",
}


def why_line(level: str, evidence: Sequence[tuple[str, str]], *, limit: int = 2) -> str:
    """One line that says why: the level and the customer's own words, quoted safely."""
    parts = [f"{TRIGGER_WORDS.get(kind, kind.replace('_', ' '))}: “{quote(words, 80)}”" for kind, words in evidence[:limit] if words]
    said = "; ".join(parts) if parts else "the tone of the last messages"
    return f"*Why:* the customer reads {level} — {said}"


def whisper(
    *,
    title: str,
    phrases: Sequence[str],
    why: str,
    level: str,
    channel: str,
    root_ts: str,
    number: int,
    handoff: bool,
    hint: str | None = None,
) -> tuple[str, list[dict]]:
    """A whisper: header with the kind in words, 2–3 phrasings, the why line, an optional hint, and its buttons."""
    ref = f"{channel}|{root_ts}|{number}"
    blocks: list[dict] = [
        _header(f"💬 {title}"),
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{LEVEL_MARK.get(level, '')} Only you can see this. Pick one, make it yours."}],
        },
    ]
    for text in phrases:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"> {escape(text)}"}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": why}]})
    if hint:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": hint}]})
    blocks.append(_buttons(ref, f"{channel}|{root_ts}" if handoff else None))
    fallback = f"Suggestion ({title}): {phrases[0]}" if phrases else f"Suggestion ({title})"
    return fallback, blocks


def ladder_hint(step: int, *, repeated: bool, abusive: int, handoff: bool) -> str | None:
    """What a boundary whisper adds when abuse goes on: why the step did not move, and that help is one click away."""
    parts = []
    if repeated:
        parts.append(
            f"↻ Still step {step}: the next step comes once you've set this one, in these words or your own."
        )
    if handoff and abusive >= 3 and step < 3:
        parts.append(
            f"🤝 That's {abusive} abusive messages in this thread. You don't have to take this alone: "
            "*Start handoff* brings in a supervisor."
        )
    return "\n".join(parts) or None


def _buttons(ref: str, handoff_value: str | None, feedback: bool = True) -> dict:
    elements: list[dict] = [
        _button("Another suggestion", ids.WHISPER_ANOTHER, ref),
    ]
    if feedback:
        elements += [_button("Helpful", ids.WHISPER_HELPFUL, ref), _button("Not helpful", ids.WHISPER_NOT_HELPFUL, ref)]
    if handoff_value is not None:
        elements.append(_button("Start handoff", ids.START_HANDOFF, handoff_value, style="danger"))
    return {"type": "actions", "block_id": "whisper_actions", "elements": elements}


def acknowledged(blocks: Iterable[dict], verdict: str) -> list[dict]:
    """The whisper with its feedback buttons replaced by a thank-you line ("Start handoff" stays)."""
    out: list[dict] = []
    for block in blocks:
        if block.get("type") != "actions":
            out.append(block)
            continue
        handoff = [e for e in block.get("elements", []) if e.get("action_id") == ids.START_HANDOFF]
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"✅ {FEEDBACK_THANKS[verdict]}"}]})
        if handoff:
            out.append({"type": "actions", "block_id": "whisper_actions", "elements": handoff})
    return out


def nudge(findings: Sequence[tuple[str, str, str]]) -> tuple[str, list[dict]]:
    """A private wording tip: (words the agent wrote, why it hurts, what to say instead) per finding."""
    blocks: list[dict] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "✏️ *Wording tip*, only you can see this"}]},
    ]
    for matched, why, reframe in findings:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"~{escape(matched)}~ → *{escape(reframe)}*\n{escape(why)}"},
            }
        )
    first = findings[0]
    return f"Wording tip: instead of “{first[0]}”, try “{first[2]}”.", blocks


def unattended(*, channel: str, level: str, why: str, permalink: str | None) -> tuple[str, list[dict]]:
    """Supervisor-channel alert: a tense or heated thread that no agent has answered yet."""
    where = f"<{permalink}|a thread in <#{channel}>>" if permalink else f"a thread in <#{channel}>"
    headline = f"{LEVEL_MARK.get(level, '')} A {level} customer is waiting in {where} and no agent has replied yet."
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": why}]},
    ]
    return f"A {level} thread in <#{channel}> has no agent yet.", blocks


def recovery(text: str) -> tuple[str, list[dict]]:
    """A short private nudge after a hard thread."""
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"🌿 {escape(text)}"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "From deescalate, only you can see this."}]},
    ]
    return text, blocks
