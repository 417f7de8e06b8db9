"""The thread's plan (bot/plan.py) and the whisper budget: the next missing step, never a repeat of what
the agent just did, few whispers per thread whatever the pace, and what must get through still does."""

from __future__ import annotations

import json

import pytest

from bot.case import Case
from bot.moves import encode
from bot.plan import EXACT_TIME, STEPS, Progress, next_step
from bot.whisper import Incoming, Roles, Settings, Whisper, decide
from phrasebook import fill, load_phrasebook
from tests.support.coach_thread import AGENT_APOLOGY, MANAGER_REQUEST, order_chase

BOOK = load_phrasebook()
CUSTOMER, AGENT = "UCUST", "UAGENT"
ROOT = "1700000000.000001"
STEP = {s.name: s for s in (*STEPS, EXACT_TIME)}


def progress(done=(), recent=(), whispered="", last_kind=None) -> Progress:
    return Progress.of(encode(done), [encode(r) for r in recent], whispered, last_kind)


# ---- the plan, pure ---------------------------------------------------------------------------------


def test_a_vague_promise_is_answered_with_an_exact_time():
    choice = next_step(progress(done={"vague_promise"}, recent=[{"vague_promise"}]), "uneasy")
    assert choice.step is EXACT_TIME and choice.reason == "vague"
    assert choice.title == "Next: swap the vague promise for an exact time"


def test_a_promise_with_a_time_needs_no_exact_time_step():
    choice = next_step(progress(done={"timeline"}, recent=[{"timeline"}]), "tense")
    assert choice is not None and choice.step is not EXACT_TIME


def test_the_steps_come_in_the_seeds_order():
    assert [s.name for s in STEPS] == [
        "acknowledge", "empathise", "apologise", "clarify", "outcome", "options", "follow through",
    ]
    assert next_step(progress(), "uneasy").step.name == "acknowledge"
    assert next_step(progress(done={"acknowledge"}), "uneasy").step.name == "empathise"
    done = {"acknowledge", "empathy", "apology", "summarize"}
    assert next_step(progress(done=done), "tense").step.name == "outcome"
    assert next_step(progress(done=done | {"outcome"}), "tense").title == "Next: offer two options with an exact time"


def test_a_named_trouble_calls_for_the_specific_apology_before_empathy():
    choice = next_step(progress(), "tense", {"delay", "repeat_contact"})
    assert choice.step.name == "apologise" and choice.reason == "trouble"


def test_a_tense_customer_is_not_merely_acknowledged():
    assert next_step(progress(), "tense").step.name == "empathise"


def test_after_the_agents_apology_the_plan_never_suggests_another():
    for level in ("uneasy", "tense", "heated"):
        for whispered in ("", "f", "fo"):
            choice = next_step(progress(done={"apology"}, whispered=whispered), level, {"delay"})
            assert choice is None or choice.step.name != "apologise"


def test_never_a_move_of_the_agents_last_two_messages_nor_the_same_kind_twice_in_a_row():
    # Empathy two messages ago counts, even if the thread's "done" somehow missed it.
    p = Progress(done=frozenset(), recent=frozenset({"empathy"}), last_vague=False, whispered="", last_kind=None)
    assert next_step(p, "tense").step.name != "empathise"
    assert next_step(progress(last_kind="empathy"), "tense").step.kinds[0] != "empathy"


def test_each_step_is_whispered_once_and_asking_details_of_someone_asking_again_is_skipped():
    done = {"acknowledge", "empathy", "apology"}
    assert next_step(progress(done=done), "tense", {"repeat_contact"}).step.name == "outcome"
    assert next_step(progress(done=done, whispered="o"), "tense").step.name == "clarify"
    assert next_step(progress(done=set(), whispered="lfaco2wt"), "tense") is None  # nothing new left to say


# ---- the thread of issue 12, through decide -----------------------------------------------------------


class Thread:
    def __init__(self, gap: float, **settings: object) -> None:
        self.settings = Settings(**{"supervisor_channel": "CSUP", **settings})
        self.case: Case | None = None
        self.now, self.gap, self.n = 1_700_000_000.0, gap, 0
        self.log: list[tuple[str, str, list[Whisper]]] = []

    def say(self, role: str, text: str) -> list[Whisper]:
        self.now += self.gap
        self.n += 1
        ts = ROOT if self.n == 1 else f"{self.now:.0f}.{self.n:06d}"
        user = CUSTOMER if role == "customer" else AGENT
        msg = Incoming("post", "C1", ROOT, ts, self.now, user, "T1", text, CUSTOMER)
        self.case, actions = decide(self.case, msg, Roles(), self.settings, BOOK)
        self.case = Case.from_dict(json.loads(json.dumps(self.case.to_dict())))  # as the store hands it back
        sent = [a for a in actions if isinstance(a, Whisper)]
        self.log.append((role, text, sent))
        return sent


def header(whisper: Whisper) -> str:
    return whisper.blocks[0]["text"]["text"]


def run(gap: float, **settings: object) -> Thread:
    thread = Thread(gap, **settings)
    for role, text in order_chase():
        thread.say(role, text)
    return thread


@pytest.mark.parametrize("gap", [30.0, 1.0], ids=["30s-apart", "burst"])
def test_the_order_chase_thread_gets_few_different_next_step_whispers(gap):
    thread = run(gap)
    sent = [(text, w) for _, text, ws in thread.log for w in ws]
    kinds = [w.kind for _, w in sent]
    assert len(sent) <= 3 and len(set(kinds)) == len(kinds), kinds
    assert {"expectations", "options", "outcome"} & set(kinds)  # every agent reply was a vague promise
    apologised = next(i for i, (_, text, _) in enumerate(thread.log) if text == AGENT_APOLOGY)
    assert all(w.kind != "apology" for _, _, ws in thread.log[apologised:] for w in ws)
    [on_manager] = next(ws for _, text, ws in thread.log if text == MANAGER_REQUEST)
    assert on_manager.kind == "escalation" and any(b["type"] == "actions" and any(
        e["action_id"] == "start_handoff" for e in b["elements"]) for b in on_manager.blocks)
    plan_whispers = [w for _, w in sent if w.kind != "escalation"]
    assert plan_whispers and all(header(w).startswith("💬 Next: ") for w in plan_whispers)


def test_both_paces_whisper_the_same_steps():
    slow, fast = run(30.0), run(1.0)
    assert [w.kind for *_, ws in slow.log for w in ws] == [w.kind for *_, ws in fast.log for w in ws]


def test_the_budget_is_configurable():
    kinds = lambda thread: [w.kind for *_, ws in thread.log for w in ws]  # noqa: E731
    assert kinds(run(30.0, budget=1)) == ["escalation"]  # only the manager request gets through
    assert kinds(run(30.0, budget=2)) == ["expectations", "escalation"]
    # A bigger budget lets the plan go on, still one step at a time: every kind once, in the plan's order.
    # (Only moments that pass the whisper gate, bot/gate.py, get one: the uneasy "Hello? I asked…" does not,
    # and by the next rise the agent had apologised, so the plan moves on to empathy.)
    assert kinds(run(30.0, budget=10)) == ["expectations", "escalation", "empathy"]


def test_a_threat_and_each_new_boundary_step_get_through_a_spent_budget():
    thread = run(30.0, budget=2)
    assert thread.case.whisper_count == 2  # the budget is spent
    assert thread.say("customer", "I know where your office is and I will hurt you.")  # a threat
    abuse = Thread(30.0, budget=1)
    abuse.say("customer", "My refund still hasn't arrived.")
    abuse.say("agent", "Let me check that.")
    assert abuse.say("customer", "you are a useless idiot")  # step 1, though the budget is spent on nothing else
    abuse.say("agent", "I really do want to help with this, and I can do that best if we keep things respectful.")
    second = abuse.say("customer", "shut up you stupid moron")
    assert second and "step 2 of 3" in header(second[0])


def test_a_plan_whisper_says_what_was_done_and_why_this_step():
    thread = Thread(30.0)
    thread.say("customer", "My order is late again and nobody tells me anything.")
    [first] = thread.say("agent", "I'm looking into it.")
    context = [e["text"] for b in first.blocks if b["type"] == "context" for e in b["elements"]]
    assert "*Plan:* done so far: made a vague promise · the last reply promised without a time" in context


def test_a_60_message_thread_with_plan_and_adoption_notes_stays_within_4_kb():
    thread = Thread(30.0, budget=100, cooldown=0)
    script = order_chase()
    for i in range(60):
        role, text = script[i % len(script)]
        thread.say(role, f"{text} (#{i})")
    case = thread.case
    assert case.whisper_count >= 3 and any("u" in w for w in case.whispers) and any("dt" in w for w in case.whispers)
    size = len(json.dumps(case.to_dict(), separators=(",", ":"), ensure_ascii=False).encode())
    assert size <= 4096, size
    assert Case.from_dict(json.loads(json.dumps(case.to_dict()))).to_dict() == case.to_dict()


# ---- configuration, Spanish, untrusted text ------------------------------------------------------------


def test_the_budget_is_read_from_its_variable_and_a_bad_value_names_it():
    from bot.config import ConfigError, from_env
    from tests.unit.test_config import BASE

    assert from_env(BASE).whisper_budget == 3
    config = from_env({**BASE, "DEESCALATE_WHISPER_BUDGET": "5"})
    assert Settings.from_config(config).budget == 5
    with pytest.raises(ConfigError) as err:
        from_env({**BASE, "DEESCALATE_WHISPER_BUDGET": "0"})
    assert "DEESCALATE_WHISPER_BUDGET" in str(err.value)


def test_a_spanish_thread_gets_its_next_step_in_spanish():
    book = load_phrasebook(language="es")
    case, _ = decide(None, Incoming("post", "C1", ROOT, ROOT, 1000.0, CUSTOMER, "T1",
                                    "¡¡¡ES INACEPTABLE!!! ¿¿DÓNDE ESTÁ MI PEDIDO??", CUSTOMER), Roles(), Settings(language="es"), book)
    msg = Incoming("post", "C1", ROOT, "1030.000002", 1030.0, AGENT, "T1", "Lo estoy revisando.", CUSTOMER)
    case, actions = decide(case, msg, Roles(), Settings(language="es"), book)
    assert case.recent_moves == [encode({"vague_promise"})]
    [sent] = [a for a in actions if isinstance(a, Whisper)]  # the first reply into a tense thread
    assert sent.kind == "expectations" and sent.blocks[0]["text"]["text"] == "💬 Next: swap the vague promise for an exact time"
    texts = [book.get(pid).text for pid in case.whispers[-1]["ids"]]
    assert texts and all(p.id.startswith(("expectations.", "options.")) for p in map(book.get, case.whispers[-1]["ids"]))
    assert all(t not in {p.text for p in BOOK.phrases("expectations")} for t in texts)  # Spanish phrasings, not English


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

from bot.moves import read_moves  # noqa: E402
from phrasebook.model import MOVES  # noqa: E402


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_reply_reads_as_known_moves_without_error(text):
    found = read_moves(BOOK, text)
    assert found <= set(MOVES)
    assert not ({"vague_promise", "timeline"} <= found) and not ({"apology", "blanket_apology"} <= found)


def test_after_the_agents_apology_a_plan_whisper_leads_with_phrasings_that_do_not_apologise_again():
    from bot.moves import read_moves

    thread = Thread(30.0)
    # Tense with evidence, so the agent's first reply passes the whisper gate (a polite report would get nothing).
    thread.say("customer", "This is the second time I'm writing about this: I asked to downgrade my plan two weeks ago "
                           "and I'm STILL billed for the premium tier. Unacceptable.")
    [sent] = thread.say("agent", "Hi Jordan, I'm sorry about that. I can see the request; it wasn't applied.")
    assert sent.kind != "apology"
    shown = [book_text for book_text in (BOOK.get(pid).text for pid in thread.case.whispers[-1]["ids"])]
    assert shown and not any("apology" in read_moves(BOOK, text) for text in shown), shown


def test_status_shows_the_plan_done_suggested_and_next():
    from bot.commands import status_message
    from bot.links import MessageLink

    thread = run(30.0)
    link = MessageLink("C1", ROOT, None)
    shown = json.dumps(status_message(thread.case, None, link, thread.now)["blocks"], ensure_ascii=False)
    assert "*Plan*: done: apologised, made a vague promise, escalated · suggested: exact time · next: show you understand" in shown


def test_legal_pressure_gets_an_escalation_with_a_handoff_at_once_not_a_plan_step():
    thread = Thread(30.0)
    thread.say("customer", "My refund still hasn't arrived.")
    thread.say("agent", "I'm looking into it.")
    [sent] = thread.say("customer", "I'm going to talk to my lawyer and file a chargeback.")
    assert sent.kind == "escalation" and "Escalation" in header(sent)
    assert any(e["action_id"] == "start_handoff" for b in sent.blocks if b["type"] == "actions" for e in b["elements"])


def test_an_exact_time_whisper_offers_phrasings_that_give_a_time_even_on_a_repeat_contact():
    from bot.moves import read_moves

    thread = Thread(30.0)
    thread.say("customer", "My order #20418 was due on Monday and the tracking hasn't moved.")
    thread.say("agent", "Let me check with the carrier.")  # a vague promise
    # Repeat contact would otherwise rank the "it's all on your case" reassurances first; they give no time.
    [sent] = thread.say("customer", "It's been three hours and no update. I was told the same thing last week when I called.")
    assert header(sent) == "💬 Next: swap the vague promise for an exact time"
    shown = [fill(BOOK.get(pid).text) for pid in thread.case.whispers[-1]["ids"]]
    assert len(shown) == 3 and all("timeline" in read_moves(BOOK, text) for text in shown), shown
