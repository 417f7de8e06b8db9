"""Whisper buttons: "Another suggestion" and the Helpful / Not helpful verdicts.

Whispers are ephemeral, and Slack cannot chat.update an ephemeral message: every answer here
replaces the whisper through the interaction's response_url. ("Start handoff" belongs to handlers/handoffs/buttons.py.)
"""

from __future__ import annotations

import logging
from typing import Any

from bot import ids
from bot import whisper_blocks as wb
from bot.adoption import feedback_counters
from bot.case import Case
from bot.handoff import thread_ref
from bot.whisper import another, note_of, record_feedback, render_note

log = logging.getLogger("deescalate.actions")

EXPIRED = "That suggestion is too old to act on; a new one will come if the thread needs it."


def register(app: Any, runtime: Any) -> None:
    @app.action(ids.WHISPER_ANOTHER)
    async def on_another(ack: Any, body: dict, action: dict) -> None:
        await ack()
        runtime.spawn(another_suggestion(runtime, body, action), "action:whisper_another")

    @app.action(ids.WHISPER_HELPFUL)
    async def on_helpful(ack: Any, body: dict, action: dict) -> None:
        await ack()
        runtime.spawn(feedback(runtime, body, action, "helpful"), "action:whisper_feedback")

    @app.action(ids.WHISPER_NOT_HELPFUL)
    async def on_not_helpful(ack: Any, body: dict, action: dict) -> None:
        await ack()
        runtime.spawn(feedback(runtime, body, action, "not_helpful"), "action:whisper_feedback")


NOT_YOURS = "That suggestion belongs to another thread's agents."


def parse_ref(value: str | None) -> tuple[str, str, int] | None:
    """A whisper button's value "<channel>|<root_ts>|<number>", when each part has the shape the bot gave it."""
    parts = (value or "").split("|")
    if len(parts) != 3 or thread_ref(parts[0], parts[1]) is None or not parts[2].isdigit() or len(parts[2]) > 6:
        return None
    return parts[0], parts[1], int(parts[2])


async def _clicker_may(runtime: Any, body: dict) -> tuple[str, bool]:
    """(the clicker, whether they are a supervisor); a whisper's buttons are for the thread's agents and supervisors."""
    user = str((body.get("user") or {}).get("id") or "")
    return user, await runtime.is_supervisor(user)


async def another_suggestion(runtime: Any, body: dict, action: dict) -> None:
    ref = parse_ref(action.get("value"))
    response_url = body.get("response_url")
    if ref is None or not response_url:
        return
    channel, root_ts, number = ref
    user, supervisor = await _clicker_may(runtime, body)

    def change(case: Case | None) -> tuple[Case | None, tuple[str, list[dict]] | None | bool]:
        if case is None:
            return None, None
        if not case.open_to(user, supervisor):
            return None, False  # a forged value naming another thread: nothing changes, nothing is shown
        case, rendered = another(case, number, runtime.book)
        return (case if rendered else None), rendered

    done = await runtime.store.update_case(channel, root_ts, change)
    rendered = done[1] if done else None
    if rendered is False:
        await runtime.gateway.respond(response_url, {"replace_original": False, "text": NOT_YOURS})
        return
    if rendered is None:
        await runtime.gateway.respond(response_url, {"replace_original": True, "text": EXPIRED})
        return
    text, blocks = rendered
    await runtime.gateway.respond(response_url, {"replace_original": True, "text": text, "blocks": blocks})


async def feedback(runtime: Any, body: dict, action: dict, verdict: str) -> None:
    ref = parse_ref(action.get("value"))
    if ref is None:
        return
    channel, root_ts, number = ref
    user, supervisor = await _clicker_may(runtime, body)

    def change(case: Case | None) -> tuple[Case | None, tuple[bool, Case | None]]:
        if case is None:
            return None, (False, None)
        if not case.open_to(user, supervisor):
            return None, (False, None)  # another thread's whisper: not counted, not re-rendered
        case, first = record_feedback(case, number, verdict)
        return (case if first else None), (first, case)

    done = await runtime.store.update_case(channel, root_ts, change)
    first, case = done[1] if done else (False, None)
    if first:
        per_kind = feedback_counters(note_of(case, number) if case is not None else None, verdict)
        await runtime.store.count({f"feedback_{verdict}": 1, **per_kind}, runtime.clock())
    response_url = body.get("response_url")
    if not response_url:
        return
    blocks = (body.get("message") or {}).get("blocks")
    if not blocks and case is not None:
        note = note_of(case, number)
        blocks = render_note(case, note, runtime.book)[1] if note else None
    if not blocks:
        await runtime.gateway.respond(response_url, {"replace_original": True, "text": wb.FEEDBACK_THANKS[verdict]})
        return
    await runtime.gateway.respond(
        response_url, {"replace_original": True, "text": wb.FEEDBACK_THANKS[verdict], "blocks": wb.acknowledged(blocks, verdict)}
    )
