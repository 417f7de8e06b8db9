"""Helpdesk bots carrying the customer's words (DEESCALATE_CUSTOMER_BOTS), through signed events.

Zendesk, Intercom, email-to-Slack and the like post what the customer wrote as a bot. Listed bots
are the customer speaking; other bots are still ignored, and the bot's own posts always are.
"""

from __future__ import annotations

import pytest

from bot.case import Case
from bot.config import ConfigError, from_env
from tests.signing import bot_message, message_event
from tests.standin import APP_ID, BOT_ID

CHANNEL, AGENT = "CHELPDESK", "UAGENT"
HELPDESK = "BHELPDESK"
ATTRIBUTION = r"^\*(?P<name>[^*]+)\*:"
CALM = "Hello, my order 1234 has not arrived yet."
HEATED = "This is UNACCEPTABLE!!! I have been waiting for WEEKS, the worst service ever!!! I want a refund NOW"

_serial = iter(range(1, 1_000_000))


def ts() -> str:
    return f"1700100000.{next(_serial):06d}"


def helpdesk(text: str, ts_: str, thread_ts: str | None = None, bot_id: str = HELPDESK, **extra) -> dict:  # noqa: ANN003
    event = bot_message(CHANNEL, text, ts=ts_, bot_id=bot_id, thread_ts=thread_ts, username="Helpdesk")
    event.update(extra)
    return event


def open_ticket(bot, root_text: str = f"*Dana Reyes*: {CALM}") -> str:  # noqa: ANN001
    """The helpdesk posts a ticket (the customer's words) and an agent answers in its thread."""
    root = ts()
    assert bot.sender.event(helpdesk(root_text, root)).status == 200
    reply = message_event(CHANNEL, AGENT, "Hi Dana, I'm checking the order now.", ts=ts(), thread_ts=root)
    assert bot.sender.event(reply).status == 200
    bot.settle()
    return root


def case(bot, root: str) -> Case | None:  # noqa: ANN001
    _, record = bot.run(bot.store.load_thread(CHANNEL, root))
    return Case.from_dict(record) if record else None


def whispers(standin) -> list:  # noqa: ANN001
    return standin.calls_to("chat.postEphemeral", where=lambda c: c.params["channel"] == CHANNEL)


def test_the_helpdesk_customer_is_scored_and_the_agent_whispered(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot(DEESCALATE_CUSTOMER_BOTS=f"{HELPDESK}:{ATTRIBUTION}")
    root = open_ticket(bot)
    assert bot.sender.event(helpdesk(f"*Dana Reyes*: {HEATED}", ts(), thread_ts=root)).status == 200
    bot.settle()
    [whisper] = whispers(standin)
    assert whisper.params["user"] == AGENT and whisper.params["thread_ts"] == root
    thread = case(bot, root)
    assert thread is not None and thread.level in ("heated", "hostile", "tense")
    assert thread.customer == HELPDESK and thread.agents == [AGENT]
    # the attribution is the helpdesk's, not the customer's words
    assert [line.text for line in thread.lines] == [CALM, HEATED]


def test_an_app_id_and_attachments_work_too(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot(DEESCALATE_CUSTOMER_BOTS="A0MAILDESK")
    root = ts()
    mail = {"app_id": "A0MAILDESK", "attachments": [{"fallback": CALM, "text": CALM}]}
    assert bot.sender.event(helpdesk("", root, bot_id="B0MAIL", **mail)).status == 200
    bot.sender.event(message_event(CHANNEL, AGENT, "Hi, I'm on it.", ts=ts(), thread_ts=root))
    angry = {**mail, "attachments": [{"text": HEATED}]}
    bot.sender.event(helpdesk("", ts(), thread_ts=root, bot_id="B0MAIL", **angry))
    bot.settle()
    assert [w.params["user"] for w in whispers(standin)] == [AGENT]
    assert [line.text for line in case(bot, root).lines] == [CALM, HEATED]


def test_posts_the_pattern_misses_are_not_the_customer(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot(DEESCALATE_CUSTOMER_BOTS=f"{HELPDESK}:{ATTRIBUTION}")
    root = open_ticket(bot)
    # the helpdesk's own notices (an internal note, a status change) carry no customer attribution
    bot.sender.event(helpdesk(f"Internal note from agent: {HEATED}", ts(), thread_ts=root))
    bot.settle()
    assert whispers(standin) == []
    assert [line.text for line in case(bot, root).lines] == [CALM]


def test_other_bots_are_still_ignored(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot(DEESCALATE_CUSTOMER_BOTS=HELPDESK)
    root = open_ticket(bot, CALM)
    bot.sender.event(helpdesk(HEATED, ts(), thread_ts=root, bot_id="B0DEPLOYBOT"))
    bot.sender.event(bot_message(CHANNEL, HEATED, ts=ts(), thread_ts=root, user="U0APPBOT", bot_id="B0APPBOT"))
    bot.settle()
    assert whispers(standin) == []
    assert case(bot, root).level == "calm"


def test_without_the_setting_helpdesk_posts_are_ignored(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    root = ts()
    bot.sender.event(helpdesk(CALM, root))
    bot.sender.event(message_event(CHANNEL, AGENT, "Hi, I'm on it.", ts=ts(), thread_ts=root))
    bot.sender.event(helpdesk(HEATED, ts(), thread_ts=root))
    bot.settle()
    assert whispers(standin) == []
    thread = case(bot, root)
    assert thread is None or all(line.text != HEATED for line in thread.lines)


def test_the_bots_own_posts_are_ignored_even_when_listed(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot(DEESCALATE_CUSTOMER_BOTS=f"{BOT_ID},{APP_ID},{HELPDESK}")
    root = open_ticket(bot, CALM)
    own = bot_message(CHANNEL, HEATED, ts=ts(), thread_ts=root, user="UBOT", bot_id=BOT_ID)
    own_by_app = helpdesk(HEATED, ts(), thread_ts=root, bot_id="B0SOMETHING", app_id=APP_ID)
    for event in (own, own_by_app):
        assert bot.sender.event(event).status == 200
    bot.settle()
    assert whispers(standin) == []
    assert case(bot, root).level == "calm"


# ---- configuration -------------------------------------------------------------------------------

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "DEESCALATE_SUPERVISOR_CHANNEL": "C0LEADS",
    "DEESCALATE_SUPERVISORS": "U0LEAD",
}


def test_config_reads_ids_and_patterns_including_commas_inside_a_pattern() -> None:
    bots = from_env({**BASE, "DEESCALATE_CUSTOMER_BOTS": r"B0ZEN:^\*(?P<name>[^*]{1,80})\*:, A0MAIL"}).customer_bots
    assert [b.id for b in bots] == ["B0ZEN", "A0MAIL"]
    assert bots[0].pattern is not None and bots[0].pattern.search("*Dana*: hi").group("name") == "Dana"
    assert bots[1].pattern is None
    assert from_env(BASE).customer_bots == ()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("U0PERSON", "'U0PERSON' is not a bot id (B…) or app id (A…)"),
        ("zendesk", "'zendesk' is not a bot id"),
        ("B0ZEN:(?P<name>[^*]+", "the pattern for B0ZEN is not a valid regular expression"),
        (r"B0ZEN:^\*[^*]+\*:", "the pattern for B0ZEN needs a (?P<name>…) group"),
        ("B0ZEN, B0ZEN", "B0ZEN is listed twice"),
    ],
)
def test_config_errors_name_the_variable_and_the_problem(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({**BASE, "DEESCALATE_CUSTOMER_BOTS": value})
    assert caught.value.variable == "DEESCALATE_CUSTOMER_BOTS"
    assert problem in str(caught.value) and str(caught.value).startswith("DEESCALATE_CUSTOMER_BOTS: ")
