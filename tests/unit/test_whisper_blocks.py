"""Block Kit for whispers and nudges: what the agent reads, and that no customer text can ping or leak."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import ids
from bot import whisper_blocks as wb
from bot.safety import has_live_markup


def _whisper(handoff: bool = False) -> tuple[str, list[dict]]:
    return wb.whisper(
        title="Empathy", phrases=["I can see why this is frustrating.", "That sounds exhausting."],
        why=wb.why_line("tense", [("delay", "still waiting")]), level="tense",
        channel="C1", root_ts="1.000001", number=3, handoff=handoff,
    )


def test_a_whisper_names_its_kind_lists_phrasings_and_offers_its_buttons():
    text, blocks = _whisper()
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "💬 Empathy", "emoji": True}}
    assert [b["text"]["text"] for b in blocks if b["type"] == "section"] == [
        "> I can see why this is frustrating.", "> That sounds exhausting."
    ]
    actions = blocks[-1]["elements"]
    assert [(a["action_id"], a["value"]) for a in actions] == [
        (ids.WHISPER_ANOTHER, "C1|1.000001|3"), (ids.WHISPER_HELPFUL, "C1|1.000001|3"), (ids.WHISPER_NOT_HELPFUL, "C1|1.000001|3")
    ]
    assert text == "Suggestion (Empathy): I can see why this is frustrating."


def test_start_handoff_carries_the_thread():
    _, blocks = _whisper(handoff=True)
    handoff = blocks[-1]["elements"][-1]
    assert handoff["action_id"] == ids.START_HANDOFF and handoff["value"] == "C1|1.000001"


def test_feedback_swaps_the_buttons_for_thanks_but_keeps_the_handoff():
    _, blocks = _whisper(handoff=True)
    after = wb.acknowledged(blocks, "not_helpful")
    rendered = json.dumps(after)
    assert "noted as not helpful" in rendered
    assert ids.WHISPER_HELPFUL not in rendered and ids.WHISPER_ANOTHER not in rendered
    assert ids.START_HANDOFF in rendered
    assert after[:4] == blocks[:4]  # the phrasings stay readable


def test_the_why_line_names_triggers_in_words():
    line = wb.why_line("heated", [("repeat_contact", "third time"), ("refund", "no refund"), ("volume", "!!!")])
    assert line == "*Why:* the customer reads heated — contacted before: “third time”; refund: “no refund”"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_no_customer_words_in_a_why_line_can_mention_link_or_format(words):
    line = wb.why_line("tense", [("frustration", words)])
    said = line.split(" — ", 1)[1]
    assert not has_live_markup(said)


def test_a_nudge_escapes_the_agents_words():
    text, blocks = wb.nudge([("<!here> calm down", "It dismisses feelings.", "I can hear this is hard")])
    section = blocks[1]["text"]["text"]
    assert "<!here>" not in section and "I can hear this is hard" in section
    assert text.startswith("Wording tip")


def test_the_unattended_alert_links_the_thread():
    text, blocks = wb.unattended(channel="C1", level="heated", why="*Why:* …", permalink="https://x.slack.com/p1")
    assert "<https://x.slack.com/p1|a thread in <#C1>>" in blocks[0]["text"]["text"]
    assert "no agent" in text
