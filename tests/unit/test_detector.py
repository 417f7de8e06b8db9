"""One message at a time: every signal fires on its cue, stays quiet without it, and says why."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detector import Reading, Signal, level_for, score
from bot.vocabulary import FLAGS, LEVELS, TRIGGERS


def kinds(text: str) -> frozenset[str]:
    return score(text).triggers


def evidence(text: str, kind: str) -> str:
    return " | ".join(s.evidence for s in score(text).signals if s.kind == kind)


CALM = [
    "Hi, I'd like to change the delivery address on my order please.",
    "Thanks, that fixed it!",
    "Could you tell me when my order will arrive?",
    "What are your opening hours on Saturday?",
]


@pytest.mark.parametrize("text", CALM)
def test_ordinary_support_questions_read_calm_with_no_flags(text):
    r = score(text)
    assert r.level == "calm" and r.flags == () and r.abuse < 0.5


# --- raised volume -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["WHY IS THIS STILL NOT FIXED", "Where is my order???", "Answer me!!!", "this is sooooo slow"])
def test_volume_from_capitals_punctuation_runs_and_elongation(text):
    assert "volume" in kinds(text)


@pytest.mark.parametrize("text", ["Where is my order?", "I used the FAQ and the API docs", "I live in the USA.", "Great!"])
def test_no_volume_for_single_marks_or_acronyms(text):
    assert "volume" not in kinds(text)


def test_volume_evidence_quotes_the_shouted_words():
    assert "WHY" in evidence("WHY IS THIS STILL NOT FIXED", "volume")
    assert "sooooo" in evidence("this is sooooo slow", "volume")


# --- frustration, with negation ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["This is unacceptable.", "I'm so frustrated with this", "I am fed up", "what a waste of time"])
def test_frustration_words_and_phrases(text):
    r = score(text)
    assert "frustration" in r.triggers and r.level != "calm"


@pytest.mark.parametrize("text", ["That is not unacceptable.", "It's not ridiculous at all", "I'm not frustrated, just curious"])
def test_negated_frustration_is_not_a_complaint(text):
    assert "frustration" not in kinds(text)
    assert score(text).tension < score(text.replace("not ", "")).tension


# --- dissatisfaction with the help itself (support language) -------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "that's not what I asked",
        "you're not listening",
        "this doesn't help",
        "did you even read my message?",
        "that is not my question",
        "why can't you just fix it",
        "that is not good enough",
        "I give up",
        "what is the point",
        "am I talking to a bot?",
        "nothing works",
        "stop sending me the same link",
    ],
)
def test_polite_dissatisfaction_with_the_help_reads_uneasy_and_says_why(text):
    r = score(text)
    assert "frustration" in r.triggers and r.level != "calm"
    assert "neg_" not in " ".join(s.evidence for s in r.signals)


@pytest.mark.parametrize(
    "text",
    ["I have a question about my order", "Can you read this file?", "what is the point of interest nearby?", "please do not forget my order"],
)
def test_ordinary_requests_using_the_same_words_stay_calm(text):
    r = score(text)
    assert "frustration" not in r.triggers and r.level == "calm"


@pytest.mark.parametrize("text,quoted", [("never mind", "never mind"), ("why can't you just fix it", "why can't you"), ("that is not my question", "not my question")])
def test_negated_evidence_reads_as_written(text, quoted):
    assert quoted in evidence(text, "frustration")


# --- waiting and repeat contact -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind",
    [
        ("I've been waiting 3 weeks for my refund", "delay"),
        ("still waiting for an answer", "delay"),
        ("my parcel has been stuck for days", "delay"),
        ("this is the third time I'm asking", "repeat_contact"),
        ("I have already explained this to your colleague", "repeat_contact"),
        ("nobody answers the phone", "repeat_contact"),
        ("I was transferred to another department again", "transfer"),
    ],
)
def test_waiting_and_repeat_contact_cues(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", ["I waited in line at the shop, it was quick", "this is the first time I use the app", "see you again soon"])
def test_no_repeat_contact_for_first_contact(text):
    assert "repeat_contact" not in kinds(text) and "repeat" not in score(text).flags


def test_repeat_contact_raises_the_repeat_flag_and_unease():
    r = score("this is the third time I'm asking")
    assert "repeat" in r.flags and r.level != "calm"


# --- churn, legal, public, authority, compensation -----------------------------------------------


@pytest.mark.parametrize(
    "text,kind,flag",
    [
        ("I'm going to cancel my subscription", "churn", "churn"),
        ("close my account now", "churn", "churn"),
        ("my lawyer will hear about this", "legal", "churn"),
        ("I'll do a chargeback", "legal", "churn"),
        ("I'm leaving a one star review", "public", "churn"),
        ("I will post this on social media", "public", "churn"),
        ("get me your manager", "authority", "authority"),
        ("I want to speak to someone in charge", "authority", "authority"),
        ("I want $2,000 in compensation", "compensation", "authority"),
    ],
)
def test_pressure_cues_and_their_flags(text, kind, flag):
    r = score(text)
    assert kind in r.triggers and flag in r.flags


@pytest.mark.parametrize("text", ["How do I change my plan?", "my manager asked me to order two more", "I read the review, looks good"])
def test_pressure_flags_quiet_without_pressure(text):
    r = score(text)
    assert not {"churn", "authority"} & set(r.flags)


def test_small_amounts_are_not_demands_beyond_reach():
    assert "compensation" not in kinds("I paid $20 for it")


# --- abuse, profanity, obfuscation ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["you useless idiot", "you f***ing idiot", "You are a moron", "f*ck you", "shut up", "you're so stupid"])
def test_abuse_aimed_at_the_agent_is_flagged(text):
    r = score(text)
    assert "abusive" in r.flags and "abuse" in r.triggers and r.abuse >= 0.5
    assert r.level in ("tense", "heated")


@pytest.mark.parametrize("text", ["this f***ing app is broken", "the damn website is down again", "this shit update broke my login"])
def test_swearing_at_a_thing_is_profanity_not_abuse(text):
    r = score(text)
    assert "profanity" in r.triggers and "abusive" not in r.flags and "abuse" not in r.triggers


def test_person_and_thing_are_told_apart():
    assert score("you f***ing idiot").abuse > score("this f***ing app").abuse


@pytest.mark.parametrize("masked,plain", [("f*ck", "fuck"), ("sh1t", "shit"), ("a$$hole", "asshole"), ("fuuuuck", "fuck")])
def test_obfuscated_spellings_are_read_as_the_word(masked, plain):
    r = score(f"what the {masked}")
    assert any(plain in s.evidence for s in r.signals if s.kind in ("profanity", "abuse"))


def test_clean_words_containing_swear_letters_are_not_profanity():
    for text in ["I live in Scunthorpe", "please assess my class pass", "the shell script", "hello"]:
        assert not {"profanity", "abuse"} & kinds(text)


# --- threats and hate: always flagged ------------------------------------------------------------


@pytest.mark.parametrize("text", ["I know where you live", "I will kill you", "watch your back", "I'll burn down your office"])
def test_threats_are_flagged_heated_whatever_else(text):
    r = score(text + " but thanks for your help, have a lovely day :)")
    assert "threat" in r.flags and r.level == "heated"


@pytest.mark.parametrize("text", ["this is killing me", "the wait is killing me", "I'd kill for a working app", "I won't kill you"])
def test_figures_of_speech_are_not_threats(text):
    assert "threat" not in score(text).flags


def test_hate_is_flagged_heated():
    r = score("go back to your country")
    assert "hate" in r.flags and r.level == "heated"
    assert "hate" not in score("I hate this app").flags


# --- terse ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["whatever", "fine.", "Fine"])
def test_dismissive_replies_are_terse(text):
    assert "terse" in kinds(text)


@pytest.mark.parametrize("text", ["ok thanks!", "great", "perfect, thank you"])
def test_friendly_short_replies_are_not_terse(text):
    assert "terse" not in kinds(text)


# --- shape, ranges and awkward input ------------------------------------------------------------


def test_reading_shape_and_to_dict_is_the_cli_object():
    r = score("I've been waiting 3 weeks!!! get me your manager")
    assert isinstance(r, Reading) and all(isinstance(s, Signal) for s in r.signals)
    d = r.to_dict()
    assert list(d) == ["tension", "level", "abuse", "flags", "signals"]
    assert json.loads(json.dumps(d)) == d
    assert {s["kind"] for s in d["signals"]} <= TRIGGERS
    assert r.level == level_for(r.tension)


def test_every_raised_level_says_why():
    texts = ["I am so angry right now", "WHY IS THIS STILL BROKEN???", "this is ridiculous", "you idiot", "get me a manager now"]
    for text in texts:
        r = score(text)
        assert r.level != "calm" and r.signals and all(s.evidence for s in r.signals)


@pytest.mark.parametrize(
    "text", ["", "   ", "\n", "😡😡😡", "¿Dónde está mi pedido?", "我的订单在哪里", "\x00\x01", "🙂 thanks", "\ud800 WHY IS THIS", "sh1t\udfff you"]
)
def test_unicode_emoji_and_empty_text(text):
    r = score(text)
    assert 0 <= r.tension <= 1 and r.level in LEVELS


def test_angry_emoji_count_as_tension():
    assert score("😡😡😡").tension > score("🙂🙂🙂").tension


def test_empty_text_is_calm():
    assert score("").level == "calm" and score("").signals == ()


@pytest.mark.parametrize(
    "text",
    [
        ("I have been waiting for my refund for weeks and nobody answers! " * 700)[:40000],
        "a" * 40000,
        "!" * 40000,
        "f*ck you idiot " * 2700,
        "😡 " * 20000,
        ("not bad, never good " * 2000)[:40000],
        " ".join(f"not w{i}" for i in range(6000))[:40000],
    ],
)
def test_forty_thousand_characters_in_linear_time(text):
    score(text)  # warm
    start = time.perf_counter()
    r = score(text)
    elapsed = time.perf_counter() - start
    assert 0 <= r.tension <= 1
    assert elapsed < 0.05  # the benchmark holds the 5 ms target; here a loose bound for slow CI machines


def test_every_negated_word_is_marked_and_the_rest_are_not():
    from bot.detector_text import tokens

    toks = tokens("not happy, not happy at all. happy now, never again", set())
    assert toks.count("neg_happy") == 2 and toks.count("happy") == 1 and "neg_again" in toks


def test_non_ascii_text_keeps_accented_words_whole_and_emoji_as_tokens():
    from bot.detector_text import tokens

    toks = tokens("¿Dónde está mi pedido?😡😡 “fine” …", set())
    assert toks[:4] == ["dónde", "está", "mi", "pedido"]
    assert toks.count("😡") == 2 and "fine" in toks and "“fine”" not in toks


@pytest.mark.parametrize("text", ["ПОЧЕМУ НЕ РАБОТАЕТ ДОСТАВКА", "¿DÓNDE ESTÁ MI PEDIDO? LLEVO SEMANAS"])
def test_shouting_outside_ascii_is_volume(text):
    assert "volume" in kinds(text)
    assert "volume" not in kinds(text.lower())


def test_evidence_lists_words_in_the_order_written():
    assert evidence("this is unacceptable and ridiculous and frustrating", "frustration") == "unacceptable, ridiculous, frustrating"
    assert evidence("frustrating and ridiculous, truly unacceptable", "frustration") == "frustrating, ridiculous, unacceptable"


def _reference_tokens(text: str, known: frozenset[str]) -> list[str]:
    """The tokenizer spelled out slowly (one regex, every word repaired on its own): the fast one must agree."""
    from bot.detector_text import _NEEDS_FIX_RE, _TOKEN_RE, _URL_RE, _fix, NEGATORS, _SOFTENERS

    lower = text.lower()
    if "http" in lower or "www." in lower:
        lower = _URL_RE.sub(" ", lower)
    toks = ["|" if t in ".,;:!?|" else t for t in _TOKEN_RE.findall(lower)]
    toks = [_fix(t, known) if t not in known and _NEEDS_FIX_RE.search(t) else t for t in toks]
    out = list(toks)
    for i, tok in enumerate(toks):
        if tok in NEGATORS and i + 1 < len(toks):
            j = i + 2 if (toks[i + 1] in _SOFTENERS and i + 2 < len(toks)) else i + 1
            if toks[j] not in NEGATORS and toks[j][:1].isalpha():
                out[j] = "neg_" + toks[j]
    return out


_WORDISH = st.sampled_from(["not", "never", "happy", "f*ck", "sh1t", "sooooo", "a$$hole", "'quoted'", "w123", "50", "don't", "very", "@user", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDISH, st.text(alphabet=st.characters(max_codepoint=127), max_size=6)), max_size=25))
def test_fast_tokenizer_agrees_with_the_plain_reference(parts):
    from bot.detector import _KNOWN
    from bot.detector_text import read_tokens

    text = " ".join(parts)
    toks, _, uniq = read_tokens(text, _KNOWN)
    assert toks == _reference_tokens(text, _KNOWN)
    assert uniq == set(toks)


def test_bad_type_raises_type_error():
    with pytest.raises(TypeError):
        score(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_scores_in_range(text):
    r = score(text)
    assert 0 <= r.tension <= 1 and 0 <= r.abuse <= 1
    assert r.level in LEVELS and set(r.flags) <= set(FLAGS)
    assert all(s.kind in TRIGGERS and 0 <= s.weight <= 1 for s in r.signals)
    json.dumps(r.to_dict())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["you", "idiot", "f*ck", "NOT", "!!!", "still", "waiting", "not", "kill", "manager", "😡", "3", "weeks", "sooo"]), max_size=30))
def test_cue_word_soup_never_raises(words):
    r = score(" ".join(words))
    assert 0 <= r.tension <= 1 and r.level == level_for(r.tension) or "threat" in r.flags or "hate" in r.flags


@pytest.mark.parametrize(
    "text",
    ["I will find where you live", "I know where your office is and I am coming", "I'm coming for you", "I found where you work"],
)
def test_veiled_threats_about_finding_someone_are_flagged(text: str) -> None:
    reading = score(text)
    assert "threat" in reading.flags and reading.level == "heated"


@pytest.mark.parametrize(
    "text", ["I am coming to your store tomorrow to return it", "Where do you ship from?", "Do you know where my parcel is?"]
)
def test_ordinary_visits_and_where_questions_are_not_threats(text: str) -> None:
    assert "threat" not in score(text).flags
