"""The boundary ladder when agents set boundaries in their own words, sustained abuse, and early words for a souring thread."""

from __future__ import annotations

import json

from bot import ids
from bot.whisper import another, render_note
from phrasebook import fill
from tests.e2e.test_events_whisper import Conversation
from tests.unit.test_whisper import ABUSE, AGENT, AGENT_2, BOOK, CUSTOMER, Thread, buttons, header, whispers

UNEASY = "Where is my order? I ordered 2 weeks ago"
# Issue 11: a thread that is only uneasy (one mild sign, as above) no longer earns the first reply a
# whisper; early words need a thread already tense with evidence (bot/gate.py). The first-reply tests
# below therefore open with a souring message, and one test keeps the uneasy opener and expects nothing.
SOURING = "Where is my order?? I ordered 2 weeks ago and nobody answers my emails"
STEP_OF = {fill(p.text): p.step for p in BOOK.phrases("boundary")}
# What agents actually type: none of these is a phrasebook sentence.
OWN_WORDS = {
    1: "I want to help you sort this out, and I'll need us to keep the conversation respectful to do that.",
    2: "Riley, this is my last warning. If this continues I'll have to close the chat.",
}


def phrases_of(whisper) -> list[str]:  # noqa: ANN001
    return [b["text"]["text"].removeprefix("> ") for b in whisper.blocks if b["type"] == "section"]


def hint_of(whisper) -> str:  # noqa: ANN001
    return json.dumps([b for b in whisper.blocks if b["type"] == "context"], ensure_ascii=False)


def test_the_ladder_climbs_when_the_agent_sets_boundaries_in_their_own_words():
    thread = Thread(cooldown=120).opened()
    first = whispers(thread.say(CUSTOMER, ABUSE[0]))
    assert "step 1 of 3" in header(first[0])
    thread.say(AGENT, OWN_WORDS[1])
    assert thread.case.agent_boundary == 1
    second = whispers(thread.say(CUSTOMER, ABUSE[1], after=10))  # inside the cooldown: a new step still goes out
    assert second and "step 2 of 3" in header(second[0])
    thread.say(AGENT, OWN_WORDS[2])
    assert thread.case.agent_boundary == 2
    third = whispers(thread.say(CUSTOMER, ABUSE[2], after=10))
    assert "step 3 of 3" in header(third[0]) and ids.START_HANDOFF in buttons(third[0])
    assert [s.step for s in thread.case.boundary_steps] == [1, 2]


def test_abuse_before_the_agent_set_the_boundary_repeats_the_step_with_new_phrasings_and_says_why():
    thread = Thread(cooldown=120).opened()
    first = whispers(thread.say(CUSTOMER, ABUSE[0]))
    thread.say(AGENT, "I understand, I'm checking the invoice now.")  # no boundary set
    again = whispers(thread.say(CUSTOMER, ABUSE[1], after=180))
    assert again and "step 1 of 3" in header(again[0])
    assert {STEP_OF[t] for t in phrases_of(again[0])} == {1}
    assert not set(phrases_of(first[0])) & set(phrases_of(again[0])), "a phrasing was repeated while others remained"
    assert "Still step 1" in hint_of(again[0]) and "Still step" not in hint_of(first[0])
    assert ids.START_HANDOFF not in buttons(again[0])


def test_a_repeat_of_the_same_step_waits_for_the_cooldown():
    thread = Thread(cooldown=120).opened()
    thread.say(CUSTOMER, ABUSE[0])
    assert not whispers(thread.say(CUSTOMER, ABUSE[1], after=10))


def test_the_third_abusive_message_offers_a_handoff_even_at_step_one():
    thread = Thread(cooldown=120).opened()
    thread.say(CUSTOMER, ABUSE[0])
    thread.say(CUSTOMER, ABUSE[1], after=10)  # cooled down: no whisper
    sent = whispers(thread.say(CUSTOMER, ABUSE[2], after=10))  # sustained abuse cuts through the cooldown once
    assert sent and "step 1 of 3" in header(sent[0])
    assert buttons(sent[0])[ids.START_HANDOFF] == "C1|1.000001"
    assert "3 abusive messages" in hint_of(sent[0]) and "supervisor" in hint_of(sent[0])
    # The handoff was offered: a fourth insult inside the cooldown stays quiet.
    assert not whispers(thread.say(CUSTOMER, ABUSE[0], after=10))


def test_when_every_phrasing_of_the_step_was_offered_and_a_handoff_too_the_bot_stays_quiet():
    thread = Thread(cooldown=0, cap=20).opened()
    sent = [whispers(thread.say(CUSTOMER, ABUSE[i % 3], after=200)) for i in range(5)]
    steps_one = [p for p in BOOK.phrases("boundary") if p.step == 1]
    shown = [t for w in sent[:2] for t in phrases_of(w[0])]
    assert len(shown) == len(set(shown)) == len(steps_one)  # every step-1 phrasing once
    # The third insult still brings the handoff (repeating phrasings now that none is left), then silence.
    assert [bool(w) for w in sent] == [True, True, True, False, False]
    assert ids.START_HANDOFF in buttons(sent[2][0]) and set(phrases_of(sent[2][0])) <= set(shown)


def test_another_suggestion_keeps_the_ladder_hint():
    thread = Thread(cooldown=0).opened()
    thread.say(CUSTOMER, ABUSE[0])
    thread.say(CUSTOMER, ABUSE[1])
    sent = whispers(thread.say(CUSTOMER, ABUSE[2]))
    number = thread.case.whisper_count
    case, (text, blocks) = another(thread.case, number, BOOK)
    again = json.dumps(blocks, ensure_ascii=False)
    assert "3 abusive messages" in again and ids.START_HANDOFF in again
    assert render_note(case, case.whispers[-1], BOOK)[1][-2:] == blocks[-2:]
    assert sent


def test_the_first_agent_reply_in_a_souring_thread_gets_one_whisper():
    thread = Thread()
    thread.say(CUSTOMER, SOURING)
    assert thread.case.level in ("tense", "heated") and not whispers(thread.actions)
    sent = whispers(thread.say(AGENT, "Hi, let me check where it is."))
    assert len(sent) == 1 and sent[0].user == AGENT
    assert not whispers(thread.say(AGENT, "Still checking with the carrier."))


def test_an_uneasy_thread_gives_the_first_reply_nothing():
    thread = Thread()
    thread.say(CUSTOMER, UNEASY)
    assert thread.case.level == "uneasy"
    assert not whispers(thread.say(AGENT, "Hi, let me check where it is."))


def test_a_calm_thread_gives_the_first_reply_nothing():
    thread = Thread()
    thread.say(CUSTOMER, "Hello, my parcel has not arrived.")
    assert thread.case.level == "calm"
    assert not whispers(thread.say(AGENT, "Hi, I'm looking into it now."))


def test_the_first_reply_whisper_respects_the_cap():
    thread = Thread(cap=0)
    thread.say(CUSTOMER, SOURING)
    assert not whispers(thread.say(AGENT, "Hi, let me check."))


def test_the_first_reply_whisper_leaves_out_what_the_agent_just_did():
    thread = Thread()
    thread.say(CUSTOMER, SOURING)
    sent = whispers(thread.say(AGENT, "I'm so sorry about that, let me check where it is."))
    assert sent and sent[0].kind != "apology"
    assert thread.case.steps[-1].kind == "apology"
    assert thread.case.whispers[-1]["kind"] != "apology"


def test_a_second_agent_joining_a_souring_thread_gets_their_own_first_whisper():
    thread = Thread(cooldown=0)
    thread.say(CUSTOMER, SOURING)
    thread.say(AGENT, "Hi, let me check.")
    sent = whispers(thread.say(AGENT_2, "Hi, I'm taking over from here."))
    assert [w.user for w in sent] == [AGENT_2]


# ---- end to end: signed events in, the ephemeral whispers Slack receives out ------------------------------


def test_ladder_one_two_three_through_slack_with_paraphrased_boundaries(make_bot, standin):  # noqa: ANN001
    bot = make_bot()
    talk = Conversation(bot, standin)
    talk.post(CUSTOMER, "Hi, I was charged twice this month.", root=True)
    talk.post(AGENT, "Hi, I'm looking into the invoices now.")
    bot.settle()

    def whispered(count: int) -> dict:
        call = standin.wait_for("chat.postEphemeral", count=count)[-1]
        assert call.params["user"] == AGENT and call.params["thread_ts"] == talk.root
        return call.params

    talk.post(CUSTOMER, ABUSE[0])
    first = whispered(1)
    assert "step 1 of 3" in blocks_of_params(first)[0]["text"]["text"]
    talk.post(AGENT, OWN_WORDS[1])
    talk.post(CUSTOMER, ABUSE[1])
    second = whispered(2)
    assert "step 2 of 3" in blocks_of_params(second)[0]["text"]["text"]
    talk.post(AGENT, "I'm asking one final time: if the name-calling keeps going, I will need to end this conversation.")
    talk.post(CUSTOMER, ABUSE[2])
    third = whispered(3)
    assert "step 3 of 3" in blocks_of_params(third)[0]["text"]["text"]
    actions = next(b for b in blocks_of_params(third) if b["type"] == "actions")
    assert {e["action_id"]: e["value"] for e in actions["elements"]}[ids.START_HANDOFF] == f"{talk.channel}|{talk.root}"
    bot.settle()
    case = talk.case()
    assert [(s.agent, s.step) for s in case.boundary_steps] == [(AGENT, 1), (AGENT, 2)]
    assert case.boundary_step == 3
    # A paraphrase is not a phrasing the bot offered, and nothing offered was offered twice.
    assert len(case.offered) == len(set(case.offered)) == 9


def test_a_souring_thread_whispers_the_first_agent_reply_through_slack(make_bot, standin):  # noqa: ANN001
    bot = make_bot()
    talk = Conversation(bot, standin)
    talk.post(CUSTOMER, SOURING, root=True)
    bot.settle()
    standin.assert_no_call("chat.postEphemeral", within=0.2)
    talk.post(AGENT, "Hi, let me check where it is.")
    call = standin.wait_for("chat.postEphemeral")[-1]
    assert call.params["user"] == AGENT and call.params["thread_ts"] == talk.root
    bot.settle()
    assert len(standin.calls_to("chat.postEphemeral")) == 1


def blocks_of_params(params: dict) -> list[dict]:
    blocks = params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks
