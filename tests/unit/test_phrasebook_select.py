"""Choosing phrasings for a moment: the right kinds, tags that fit, no repeats in a thread, deterministic by seed."""

from __future__ import annotations

import pytest

from phrasebook import KINDS, Moment, boundary_step_used, choose, context_triggers, load_phrasebook, suggest

BOOK = load_phrasebook()


def kinds_of(suggestion):
    return [BOOK.get(pid).kind for pid, _ in suggestion.phrases]


def phrases_of(suggestion):
    return [BOOK.get(pid) for pid, _ in suggestion.phrases]


def test_calm_moment_with_nothing_wrong_gets_no_whisper():
    assert choose(BOOK, Moment("calm")) is None
    assert choose(BOOK, Moment("calm", triggers=frozenset({"delay"}))) is None


def test_rising_frustration_gets_acknowledge_empathy_and_validation():
    s = choose(BOOK, Moment("tense", rising=True, triggers=frozenset({"frustration"})))
    assert kinds_of(s) == ["acknowledge", "empathy", "validation"]
    assert s.kind == "acknowledge" and s.title == "Acknowledge + Empathy + Validation"


def test_a_delay_gets_an_apology_that_names_the_delay_and_a_timeline():
    s = choose(BOOK, Moment("uneasy", triggers=frozenset({"delay"})))
    assert s.kind == "apology"
    first, *rest = phrases_of(s)
    assert first.kind == "apology" and "delay" in first.triggers
    assert "expectations" in kinds_of(s)


@pytest.mark.parametrize("seed", range(6))
def test_repeat_contact_gets_an_apology_naming_it(seed):
    s = choose(BOOK, Moment("tense", flags=frozenset({"repeat"}), triggers=frozenset({"delay"})), seed=seed)
    first = phrases_of(s)[0]
    assert first.kind == "apology" and "repeat_contact" in first.triggers


@pytest.mark.parametrize("trigger", ["billing", "outage", "refund", "defect", "transfer"])
def test_specific_failures_never_get_phrases_about_a_different_failure(trigger):
    for seed in range(10):
        s = choose(BOOK, Moment("tense", triggers=frozenset({trigger})), seed=seed)
        assert phrases_of(s)[0].kind == "apology"
        for phrase in phrases_of(s):
            assert not phrase.triggers or trigger in phrase.triggers, (trigger, phrase.id)


def test_abuse_gets_the_next_boundary_step_capped_at_three():
    for done, expected in [(0, 1), (1, 2), (2, 3), (3, 3)]:
        s = choose(BOOK, Moment("heated", flags=frozenset({"abusive"}), boundary_step=done))
        assert s.kind == "boundary" and s.step == expected
        assert {p.step for p in phrases_of(s)} == {expected}
        assert f"step {expected} of 3" in s.title


@pytest.mark.parametrize("flags", [{"threat"}, {"hate"}, {"authority"}, {"threat", "abusive"}])
def test_threats_and_authority_demands_get_escalation_framing(flags):
    s = choose(BOOK, Moment("heated", flags=frozenset(flags)))
    assert s.kind == "escalation" and set(kinds_of(s)) == {"escalation"}


def test_threat_phrasing_is_about_safety_not_a_manager_request():
    s = choose(BOOK, Moment("heated", flags=frozenset({"threat"})), count=2)
    assert all("threat" in p.triggers for p in phrases_of(s))


def test_no_phrasing_repeats_in_a_thread_until_the_pool_runs_out():
    moment = Moment("tense", rising=True)
    offered: list[str] = []
    pool = {p.id for k in ("acknowledge", "empathy", "validation") for p in BOOK.phrases(k)
            if not p.triggers}
    for _ in range(4):
        s = choose(BOOK, moment, offered=offered, seed=7)
        ids = [pid for pid, _ in s.phrases]
        assert not set(ids) & set(offered)
        offered += ids
    assert len(offered) == len(set(offered)) == 12
    assert set(offered) <= pool


def test_when_every_fitting_phrase_was_offered_the_oldest_comes_back_first():
    moment = Moment("heated", flags=frozenset({"abusive"}), boundary_step=2)
    step3 = [p.id for p in BOOK.phrases("boundary") if p.step == 3]
    s = choose(BOOK, moment, offered=list(reversed(step3)), count=1)
    assert [pid for pid, _ in s.phrases] == [step3[-1]]


def test_same_seed_same_choice_and_seeds_give_variety():
    moment = Moment("tense", rising=True)
    assert choose(BOOK, moment, seed=3) == choose(BOOK, moment, seed=3)
    assert len({choose(BOOK, moment, seed=s).phrases for s in range(20)}) > 5


def test_count_limits_the_number_of_phrasings_and_primary_kind_leads():
    moment = Moment("tense", triggers=frozenset({"billing"}))
    assert len(choose(BOOK, moment, count=2).phrases) == 2
    s = choose(BOOK, Moment("uneasy", triggers=frozenset({"billing"})), count=3)
    assert kinds_of(s) == ["apology", "apology", "options"]


def test_known_details_are_filled_into_the_chosen_phrasings():
    moment = Moment("heated", flags=frozenset({"abusive"}))
    ids = [p.id for p in BOOK.phrases("boundary") if p.step == 1]
    named = "boundary.on-your-side"
    s = choose(BOOK, moment, offered=[i for i in ids if i != named], count=1, customer="Dana")
    assert s.phrases == ((named, BOOK.get(named).text.replace("[, {customer}]", ", Dana")),)
    s = choose(BOOK, Moment("tense", triggers=frozenset({"delay"})), seed=1, issue="your parcel", timeframe="by 4 pm")
    assert all("{" not in text and "[" not in text for _, text in s.phrases)


def test_unknown_level_is_rejected():
    with pytest.raises(ValueError):
        Moment("livid")


def test_suggest_matches_the_words_the_agent_typed():
    s = suggest(BOOK, "apology", "late delivery")
    assert s.kind == "apology" and "delay" in phrases_of(s)[0].triggers
    s = suggest(BOOK, "apology", "they were charged twice")
    assert "billing" in phrases_of(s)[0].triggers
    s = suggest(BOOK, "empathy")
    assert len(s.phrases) == 3 and all(not p.triggers for p in phrases_of(s))


def test_suggest_boundary_uses_the_requested_step_and_skips_offered():
    s = suggest(BOOK, "boundary", step=2, count=5)
    assert {p.step for p in phrases_of(s)} == {2} and s.step == 2
    first = s.phrases[0][0]
    assert suggest(BOOK, "boundary", step=2, offered=[first]).phrases[0][0] != first
    assert suggest(BOOK, "boundary").step == 1


def test_suggest_rejects_unknown_kind_with_the_list():
    with pytest.raises(ValueError, match="empathy"):
        suggest(BOOK, "sympathy")


def test_context_words_map_to_triggers():
    assert context_triggers("late delivery, third time asking") >= {"delay", "repeat_contact"}
    assert context_triggers("wants a manager") == {"authority"}
    assert context_triggers("") == frozenset()


def test_boundary_step_is_recognised_in_an_agents_edited_message():
    for phrase in BOOK.phrases("boundary"):
        from phrasebook import fill

        text = fill(phrase.text, customer="Sam")
        assert boundary_step_used(BOOK, text) == phrase.step, phrase.id
        assert boundary_step_used(BOOK, f"Sam, {text.lower()} Thanks.") == phrase.step, phrase.id


def test_ordinary_agent_messages_are_not_boundary_steps():
    others = [p.text for k in KINDS if k != "boundary" for p in BOOK.phrases(k)]
    others += ["Thanks, I've updated the order and you'll get an email shortly.", "ok", ""]
    from phrasebook import fill

    wrong = [t for t in others if boundary_step_used(BOOK, fill(t)) is not None]
    assert wrong == []


def test_spanish_book_selects_spanish_phrasings():
    es = load_phrasebook(language="es")
    s = choose(es, Moment("heated", flags=frozenset({"abusive"}), boundary_step=1))
    assert s.step == 2 and s.phrases[0][0] == "boundary.ultimo-aviso"
    s = choose(es, Moment("tense", flags=frozenset({"repeat"})))
    assert s.phrases[0][0] == "apology.otra-vez"


def test_skip_leaves_out_what_the_agent_just_did_unless_nothing_else_fits():
    moment = Moment("uneasy", triggers=frozenset({"billing"}))
    assert choose(BOOK, moment).kind == "apology"
    skipped = choose(BOOK, moment, skip={"apology"})
    assert skipped.kind == "options" and all(pid.startswith("options.") for pid, _ in skipped.phrases)
    alone = Moment("uneasy")  # acknowledge is all an uneasy moment without a trouble has
    assert choose(BOOK, alone, skip={"acknowledge"}).kind == "acknowledge"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_billing_refund_is_never_offered_a_replacement_or_parcel_words(language):
    book = load_phrasebook(language=language)
    parcel = ("replacement", "tracking", "courier", "delivery", "reemplazo", "envío", "mensajer")
    for seed in range(30):
        for skip in ((), ("apology",)):
            for triggers in ({"billing", "refund"}, {"billing", "delay"}):
                s = choose(book, Moment("uneasy", triggers=frozenset(triggers)), seed=seed, skip=skip)
                said = " ".join(t.lower() for _, t in s.phrases)
                assert not [w for w in parcel if w in said], (triggers, s.phrases)
