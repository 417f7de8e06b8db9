"""The whisper decision, pure: who hears what, when, and when the bot keeps quiet."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.case import Case
from bot.whisper import (
    Alert,
    Count,
    Incoming,
    NoteAgent,
    Nudge,
    Roles,
    Schedule,
    Settings,
    Whisper,
    another,
    decide,
    record_feedback,
    recovery_for,
    recovery_timer,
    unattended_due,
    unattended_timer,
)
from bot.vocabulary import level_index
from phrasebook import load_phrasebook

BOOK = load_phrasebook()
CUSTOMER, AGENT, AGENT_2 = "UCUST", "UAGENT", "UAGENT2"
SUPERVISORS = "CSUPER"
ROOT = "1.000001"

CALM = ["Hello, my parcel has not arrived.", "Thanks, that works.", "Hi, can you help me change my delivery address?"]
TENSE = "Honestly this is getting really frustrating, still waiting."
HEATED = "This is UNACCEPTABLE!!! I have been waiting for weeks, the worst service ever!!!"
ABUSE = ["you are a useless idiot", "shut up you stupid moron", "you incompetent clown, answer me"]
MANAGER = "I want to speak to your manager"


class Thread:
    """One thread fed message by message through `decide`, with a clock that only moves when told."""

    def __init__(self, roles: Roles = Roles(), **settings: object) -> None:
        self.roles = roles
        self.settings = Settings(**{"supervisor_channel": SUPERVISORS, **settings})
        self.case: Case | None = None
        self.now = 1000.0
        self.n = 0
        self.actions: tuple = ()

    def say(self, user: str, text: str, *, team: str | None = "T1", after: float = 5.0) -> tuple:
        self.now += after
        self.n += 1
        ts = ROOT if self.n == 1 else f"{self.now:.0f}.{self.n:06d}"
        msg = Incoming("post", "C1", ROOT, ts, self.now, user, team, text)
        self.case, self.actions = decide(self.case, msg, self.roles, self.settings, BOOK)
        self.last_ts = ts
        return self.actions

    def edit(self, ts: str, user: str, text: str, after: float = 1.0) -> tuple:
        self.now += after
        msg = Incoming("edit", "C1", "1.000001", ts, self.now, user, "T1", text)
        self.case, self.actions = decide(self.case, msg, self.roles, self.settings, BOOK)
        return self.actions

    def opened(self, first: str = "Hello, my parcel has not arrived.") -> "Thread":
        """The customer starts the thread (its ts is the root) and an agent answers."""
        self.say(CUSTOMER, first)
        self.say(AGENT, "Hi, I'm looking into it now.")
        return self


def whispers(actions: tuple) -> list[Whisper]:
    return [a for a in actions if isinstance(a, Whisper)]


def of(kind: type, actions: tuple) -> list:
    return [a for a in actions if isinstance(a, kind)]


def counters(actions: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for a in of(Count, actions):
        found.update(a.counters)
    return found


def header(whisper: Whisper) -> str:
    return whisper.blocks[0]["text"]["text"]


def buttons(whisper: Whisper) -> dict[str, str]:
    actions = next(b for b in whisper.blocks if b["type"] == "actions")
    return {e["action_id"]: e["value"] for e in actions["elements"]}


# ---- calm and rising -------------------------------------------------------------------------------


def test_a_calm_thread_gets_nothing():
    thread = Thread().opened()
    for text in CALM:
        assert not whispers(thread.say(CUSTOMER, text))
    assert thread.case.level == "calm" and thread.case.whisper_count == 0


def test_a_rising_thread_whispers_the_agent_in_the_thread_with_the_kind_named():
    thread = Thread().opened()
    sent = whispers(thread.say(CUSTOMER, TENSE))
    assert thread.case.level == "tense"
    assert [w.user for w in sent] == [AGENT]  # the agent, never the customer
    whisper = sent[0]
    assert whisper.channel == "C1" and whisper.thread_ts == "1.000001"
    # The header names the plan's next step (issue 12): the agent's only reply so far, "I'm looking into
    # it now", was a vague promise, so the next step is an exact time, voiced by expectations phrasings.
    assert header(whisper) == "💬 Next: swap the vague promise for an exact time" and whisper.kind == "expectations"
    phrases = [b for b in whisper.blocks if b["type"] == "section"]
    assert 2 <= len(phrases) <= 3
    assert set(buttons(whisper)) == {ids.WHISPER_ANOTHER, ids.WHISPER_HELPFUL, ids.WHISPER_NOT_HELPFUL}
    assert counters(thread.actions)["whispers"] == 1


def test_every_agent_of_the_thread_is_whispered():
    thread = Thread().opened()
    thread.say(AGENT_2, "Adding a colleague from shipping.")
    sent = whispers(thread.say(CUSTOMER, TENSE))
    assert sorted(w.user for w in sent) == [AGENT, AGENT_2]
    assert len({w.text for w in sent}) == 1  # the same suggestion for both


def test_the_why_line_quotes_the_customers_words_safely():
    thread = Thread().opened()
    sent = whispers(thread.say(CUSTOMER, "My card 4111 1111 1111 1111 was charged twice <!channel> you idiots"))
    assert sent
    rendered = json.dumps(sent[0].blocks)
    assert "4111" not in rendered and "<!channel>" not in rendered
    why = [b for b in sent[0].blocks if b["type"] == "context"][-1]["elements"][0]["text"]
    assert why.startswith("*Why:*") and "idiots" in why


def test_a_manager_request_calls_for_a_supervisor():
    thread = Thread().opened()
    sent = whispers(thread.say(CUSTOMER, MANAGER))
    assert sent and "Escalation" in header(sent[0])
    assert buttons(sent[0])[ids.START_HANDOFF] == "C1|1.000001"


# ---- restraint -------------------------------------------------------------------------------------


def test_no_second_whisper_within_the_cooldown_at_the_same_level():
    thread = Thread(cooldown=120).opened()
    assert whispers(thread.say(CUSTOMER, TENSE))
    thread.say(CUSTOMER, CALM[1], after=10)
    assert thread.case.level != "tense"
    assert not whispers(thread.say(CUSTOMER, TENSE, after=10))  # rises again, but still cooling down


def test_a_higher_level_breaks_through_the_cooldown():
    thread = Thread(cooldown=120).opened()
    assert whispers(thread.say(CUSTOMER, TENSE))
    sent = whispers(thread.say(CUSTOMER, HEATED, after=5))
    assert thread.case.level == "heated" and sent


def test_after_the_cooldown_a_new_rise_whispers_again():
    thread = Thread(cooldown=120).opened()
    assert whispers(thread.say(CUSTOMER, TENSE))
    thread.say(CUSTOMER, CALM[1], after=100)
    thread.say(CUSTOMER, CALM[1], after=100)
    assert whispers(thread.say(CUSTOMER, TENSE, after=100))
    assert thread.case.whisper_count == 2


def test_a_steady_heat_is_not_repeated_message_after_message():
    thread = Thread(cooldown=0).opened()
    assert whispers(thread.say(CUSTOMER, HEATED))
    assert not whispers(thread.say(CUSTOMER, HEATED, after=500))


def test_the_cap_stops_whispers_in_a_thread():
    thread = Thread(cooldown=0, cap=2).opened()
    sent = 0
    for _ in range(4):
        sent += len(whispers(thread.say(CUSTOMER, TENSE)))
        thread.say(CUSTOMER, CALM[0])
        thread.say(CUSTOMER, CALM[1])
    assert sent == 2 and thread.case.whisper_count == 2


# ---- the boundary ladder ---------------------------------------------------------------------------


def _boundary_phrase(step: int) -> str:
    return next(p.text for p in BOOK.phrases("boundary") if p.step == step and "{" not in p.text)


def test_boundary_ladder_climbs_only_after_the_agent_used_a_boundary():
    thread = Thread(cooldown=120).opened()
    first = whispers(thread.say(CUSTOMER, ABUSE[0]))
    assert first and "step 1 of 3" in header(first[0]) and thread.case.boundary_step == 1
    assert ids.START_HANDOFF not in buttons(first[0])

    # Abuse continues but the agent has not set a boundary yet: no step 2.
    assert not whispers(thread.say(CUSTOMER, ABUSE[1], after=10))
    assert thread.case.boundary_step == 1

    # The agent uses a step-1 phrasing (reworded): recognised, recorded, and step 2 follows the next insult.
    used = thread.say(AGENT, "Look — " + _boundary_phrase(1).lower())
    assert thread.case.agent_boundary == 1 and thread.case.steps[-1].kind == "boundary"
    # Besides the boundary counters, the reply used the offered step-1 phrasing (issue 12's adoption figures).
    assert {k: v for k, v in counters(used).items() if not k.startswith("used")} == {"boundary_steps": 1, f"boundary:{AGENT}": 1}
    assert counters(used)["used:boundary"] == 1
    second = whispers(thread.say(CUSTOMER, ABUSE[2], after=10))
    assert second and "step 2 of 3" in header(second[0])

    thread.say(AGENT, _boundary_phrase(2))
    third = whispers(thread.say(CUSTOMER, ABUSE[0], after=10))
    assert third and "step 3 of 3" in header(third[0])
    assert buttons(third[0])[ids.START_HANDOFF] == "C1|1.000001"
    assert [s.step for s in thread.case.boundary_steps] == [1, 2]
    assert thread.case.boundary_step == 3


def test_abuse_counts_and_schedules_the_recovery_timer():
    thread = Thread().opened()
    actions = thread.say(CUSTOMER, ABUSE[0])
    assert counters(actions)["abuse_events"] == 1
    schedule = of(Schedule, actions)
    assert schedule == [Schedule(recovery_timer("C1", "1.000001"), thread.now + 900)]
    assert thread.case.abuse_seen


def test_sharp_frustration_without_insults_gets_no_boundary():
    thread = Thread().opened()
    sent = whispers(thread.say(CUSTOMER, "This is RIDICULOUS, I've been waiting for three weeks and nobody answers!!!"))
    assert sent and "Boundary" not in header(sent[0])


# ---- agents: coach and first replies -------------------------------------------------------------------


def test_the_coach_nudges_the_agent_once_per_rule_per_thread():
    thread = Thread().opened()
    nudges = of(Nudge, thread.say(AGENT, "Please calm down, I'm checking."))
    assert len(nudges) == 1
    nudge = nudges[0]
    assert nudge.user == AGENT and nudge.thread_ts == "1.000001" and nudge.rules == ("calm-down",)
    assert "I can hear how frustrating this is" in json.dumps(nudge.blocks)
    assert not of(Nudge, thread.say(AGENT, "Please calm down."))
    assert of(Nudge, thread.say(AGENT, "That's our policy."))  # another rule still nudges
    assert counters(thread.actions)["coach_nudges"] == 1


def test_the_coach_never_reads_the_customer():
    thread = Thread().opened()
    assert not of(Nudge, thread.say(CUSTOMER, "Please calm down, it's fine."))


def test_a_tense_thread_without_an_agent_alerts_supervisors_once_the_grace_runs_out():
    thread = Thread()
    thread.say(CUSTOMER, CALM[0])
    actions = thread.say(CUSTOMER, TENSE)
    assert not of(Alert, actions) and not whispers(actions)
    [timer] = of(Schedule, actions)
    assert timer.timer == unattended_timer("C1", ROOT) and timer.due == thread.now + 180
    assert "unattended_alerts" not in counters(actions)
    # Heating up further inside the grace keeps the first deadline.
    assert not of(Schedule, thread.say(CUSTOMER, HEATED)) and not of(Alert, thread.actions)

    case, fired = unattended_due(thread.case, timer.due, SUPERVISORS)
    [alert] = of(Alert, fired)
    assert alert.channel == SUPERVISORS and alert.level == "heated"
    assert alert.thread_channel == "C1" and alert.root_ts == ROOT and "unacceptable" in alert.why.lower()
    assert counters(fired)["unattended_alerts"] == 1
    assert case.alerted and not thread.case.alerted  # the decision never changes the record it was given
    assert unattended_due(case, timer.due + 60, SUPERVISORS)[1] == ()  # once per thread
    thread.case = case
    thread.say(CUSTOMER, ABUSE[0])
    assert not of(Alert, thread.actions) and not [t for t in of(Schedule, thread.actions) if t.timer.startswith("unattended")]


def test_no_alert_when_an_agent_answers_within_the_grace():
    thread = Thread()
    thread.say(CUSTOMER, HEATED)
    [timer] = of(Schedule, thread.actions)
    thread.say(AGENT, "Hi, I'm here and looking into it now.", after=60)
    case, fired = unattended_due(thread.case, timer.due, SUPERVISORS)
    assert fired == () and not case.alerted


def test_no_alert_when_the_thread_cooled_down_and_a_fresh_grace_if_it_heats_again():
    thread = Thread()
    thread.say(CUSTOMER, TENSE)
    [timer] = of(Schedule, thread.actions)
    thread.say(CUSTOMER, CALM[1], after=30)
    assert level_index(thread.case.level) < level_index("tense")
    thread.case, fired = unattended_due(thread.case, timer.due, SUPERVISORS)
    assert fired == () and not thread.case.alerted
    [again] = of(Schedule, thread.say(CUSTOMER, HEATED, after=300))
    assert again.due == thread.now + 180
    assert of(Alert, unattended_due(thread.case, again.due, SUPERVISORS)[1])


def test_a_timer_claimed_before_its_time_is_set_again_rather_than_lost():
    thread = Thread()
    [timer] = of(Schedule, thread.say(CUSTOMER, HEATED))
    case, fired = unattended_due(thread.case, timer.due - 30, SUPERVISORS)
    assert fired == (Schedule(timer.timer, timer.due),) and not case.alerted


def test_a_zero_grace_alerts_at_once():
    thread = Thread(unattended_grace=0)
    thread.say(CUSTOMER, CALM[0])
    actions = thread.say(CUSTOMER, TENSE)
    [alert] = of(Alert, actions)
    assert not of(Schedule, actions) and alert.level == "tense" and alert.root_ts == ROOT
    assert counters(actions)["unattended_alerts"] == 1
    assert not of(Alert, thread.say(CUSTOMER, HEATED))


def test_no_supervisor_channel_means_no_timer_and_no_alert():
    thread = Thread(supervisor_channel=None)
    thread.say(CUSTOMER, HEATED)
    assert not of(Schedule, thread.actions) and not of(Alert, thread.actions)


def test_an_uneasy_thread_without_an_agent_raises_no_alert():
    thread = Thread()
    thread.say(CUSTOMER, "Where is my order? I ordered 2 weeks ago")
    assert thread.case.level == "uneasy"
    assert not of(Alert, thread.actions)


def test_the_first_agent_into_a_hot_thread_gets_the_words_for_where_it_stands():
    thread = Thread()
    thread.say(CUSTOMER, CALM[0])
    thread.say(CUSTOMER, HEATED)
    actions = thread.say(AGENT, "Hi, I'm here.")
    assert [w.user for w in whispers(actions)] == [AGENT]
    assert of(NoteAgent, actions) == [NoteAgent(AGENT, "C1", "1.000001", thread.now)]


# ---- edits and deletions -----------------------------------------------------------------------------


def test_editing_the_last_message_rescores_it_instead_of_adding_one():
    thread = Thread().opened()
    thread.say(CUSTOMER, CALM[0])
    ts = thread.last_ts
    messages = thread.case.tension.messages
    thread.edit(ts, CUSTOMER, TENSE)
    assert thread.case.tension.messages == messages
    assert thread.case.level == "tense" and whispers(thread.actions)
    assert thread.case.line(ts).text == TENSE
    # Editing it again to the same heat does not whisper twice.
    thread.edit(ts, CUSTOMER, TENSE + " ")
    assert not whispers(thread.actions)


def test_editing_an_older_message_only_updates_its_words():
    thread = Thread().opened()
    thread.say(CUSTOMER, CALM[0])
    older = thread.last_ts
    thread.say(CUSTOMER, CALM[1])
    level, messages = thread.case.level, thread.case.tension.messages
    thread.edit(older, CUSTOMER, HEATED)
    assert thread.case.line(older).text == HEATED
    assert (thread.case.level, thread.case.tension.messages) == (level, messages)
    assert not thread.actions


def test_a_deleted_message_leaves_the_record():
    thread = Thread().opened()
    thread.say(CUSTOMER, CALM[1])
    ts = thread.last_ts
    case, actions = decide(thread.case, Incoming("delete", "C1", "1.000001", ts, thread.now), Roles(), Settings(), BOOK)
    assert case.line(ts) is None and actions == ()


def test_decide_never_changes_the_case_it_was_given():
    thread = Thread().opened()
    before = json.dumps(thread.case.to_dict(), sort_keys=True)
    kept = thread.case
    decide(kept, Incoming("post", "C1", "1.000001", "9.1", 9e3, CUSTOMER, "T1", ABUSE[0]), Roles(), Settings(), BOOK)
    assert json.dumps(kept.to_dict(), sort_keys=True) == before


# ---- who is who ---------------------------------------------------------------------------------------


def test_configured_agents_decide_roles_even_for_the_thread_starter():
    roles = Roles(agents=frozenset({AGENT}))
    thread = Thread(roles)
    thread.say(AGENT, "Hi team, a customer asked about refunds.")
    assert thread.case.agents == [AGENT] and thread.case.customer is None
    thread.say(CUSTOMER, TENSE)
    assert thread.case.customer == CUSTOMER and [w.user for w in whispers(thread.actions)] == [AGENT]


def test_in_slack_connect_a_user_from_another_team_is_the_customer():
    roles = Roles(home_team="T1", shared=True)
    thread = Thread(roles)
    thread.say(AGENT, "Welcome to the shared support channel!")  # our own person started the thread
    thread.say("UEXT", TENSE, team="TOTHER")
    assert thread.case.customer == "UEXT" and thread.case.agents == [AGENT]
    assert [w.user for w in whispers(thread.actions)] == [AGENT]


@pytest.mark.parametrize("verdict", ["helpful", "not_helpful"])
def test_feedback_is_recorded_once_per_whisper(verdict):
    thread = Thread().opened()
    thread.say(CUSTOMER, TENSE)
    case, first = record_feedback(thread.case, 1, verdict)
    assert first and case.feedback == {verdict: 1} and case.whispers[0]["fb"] == verdict
    again, second = record_feedback(case, 1, verdict)
    assert not second and again.feedback == {verdict: 1}


def test_another_suggestion_offers_phrasings_not_offered_before():
    thread = Thread().opened()
    thread.say(CUSTOMER, TENSE)
    first_ids = set(thread.case.whispers[0]["ids"])
    case, rendered = another(thread.case, 1, BOOK)
    assert rendered is not None
    text, blocks = rendered
    assert set(case.whispers[0]["ids"]).isdisjoint(first_ids)
    assert buttons(Whisper("C1", AGENT, "1", text, tuple(blocks), "x"))[ids.WHISPER_ANOTHER] == "C1|1.000001|1"
    assert another(thread.case, 99, BOOK)[1] is None  # a whisper the record no longer has


def test_recovery_only_after_abuse():
    calm = Thread().opened()
    assert recovery_for(calm.case, AGENT, calm.now, BOOK) is None
    hard = Thread().opened()
    hard.say(CUSTOMER, ABUSE[0])
    recovery = recovery_for(hard.case, AGENT, hard.now, BOOK)
    assert recovery is not None and recovery.user == AGENT
    assert BOOK.get(recovery.phrase_id).kind == "recovery"


def test_a_reply_handled_before_its_root_still_knows_who_the_customer_is():
    early = Incoming("post", "C1", ROOT, "2.0", 2.0, AGENT, "T1", "Hi, I'm on it.", starter=CUSTOMER)
    case, _ = decide(None, early, Roles(), Settings(), BOOK)
    root = Incoming("post", "C1", ROOT, ROOT, 1.0, CUSTOMER, "T1", CALM[0], starter=CUSTOMER)
    case, _ = decide(case, root, Roles(), Settings(), BOOK)
    assert case.customer == CUSTOMER and case.agents == [AGENT]


def test_an_outsider_turns_the_thread_into_a_slack_connect_one_even_without_the_envelope_flag():
    thread = Thread(Roles(home_team="T1"))
    thread.say(AGENT, "Welcome! Ask us anything here.")  # by the starter rule, first read as the customer
    thread.say("UEXT", TENSE, team="TOTHER")
    assert thread.case.customer == "UEXT" and thread.case.agents == [AGENT] and thread.case.external
    assert [w.user for w in whispers(thread.actions)] == [AGENT]
