"""The handoff path end to end: signed requests into the running bot, Slack calls out to the stand-in,
state in the embedded store and in a real Redis."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from bot import ids
from bot.safety import has_live_markup
from tests.harness import SUPERVISOR, SUPERVISOR_2, SUPERVISOR_CHANNEL, BotHandle, bot_env
from tests.signing import message_event, new_ts

SUPPORT = "CSUPPORT"
CUSTOMER = "UCUSTOMER"
AGENT = "UAGENT"
OUTSIDER = "UOUTSIDER"


def thread(bot: BotHandle, *customer_lines: str) -> str:
    """A support thread: the customer opens it, the agent answers, the customer goes on.

    Events are acknowledged before their listener runs and may be handled in any order, so each
    one is sent only after the record shows the one before it.
    """
    root = new_ts()
    send(bot, root, CUSTOMER, customer_lines[0], lambda r: len(r.get("lines", [])) == 1, ts=root)
    send(bot, root, AGENT, "I'm sorry about this, let me look into it right away.", lambda r: AGENT in r.get("agents", []), thread_ts=root)
    for n, line in enumerate(customer_lines[1:], start=2):
        send(bot, root, CUSTOMER, line, lambda r, n=n: len(r.get("lines", [])) == min(n, 6), thread_ts=root)
    bot.settle()
    return root


def send(bot: BotHandle, root: str, user: str, text: str, landed, **where: str) -> None:
    bot.sender.event(message_event(SUPPORT, user, text, **where))
    deadline = time.monotonic() + 5
    while not landed(bot.run(bot.store.load_thread(SUPPORT, root))[1] or {}):
        assert time.monotonic() < deadline, f"the thread record never showed {text!r}"
        time.sleep(0.01)


ANGRY = (
    "My refund still hasn't arrived and it's been three weeks.",
    "This is the THIRD time I'm asking!!! Nobody answers.",
    "I want my money back by Friday or I'm calling my lawyer.",
)


def is_case(call) -> bool:
    """A case post in the supervisor channel (unattended-thread alerts go there too)."""
    blocks = call.params.get("blocks") or []
    return call.params["channel"] == SUPERVISOR_CHANNEL and any(b.get("type") == "header" for b in blocks)


def open_modal(bot: BotHandle, standin, root: str, user: str = AGENT) -> dict[str, Any]:
    before = len(standin.calls_to("views.open"))
    answer = bot.sender.message_shortcut(ids.HANDOFF_SHORTCUT, user_id=user, channel_id=SUPPORT, message_ts=new_ts(), thread_ts=root)
    assert answer.status == 200
    return standin.wait_for("views.open", count=before + 1)[-1].params["view"]


def submit(bot: BotHandle, view: dict[str, Any], user: str = AGENT, **override: str):
    """Submit the request modal with its prefilled values (or overrides), as Slack would."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, name = block["element"], block["block_id"]
        if element["type"] == "static_select":
            chosen = override.get(name, element.get("initial_option", {}).get("value"))
            values[name] = {"value": {"type": "static_select", "selected_option": {"value": chosen} if chosen else None}}
        else:
            values[name] = {"value": {"type": "plain_text_input", "value": override.get(name, element.get("initial_value"))}}
    return bot.sender.view_submission(ids.HANDOFF_MODAL, values, user_id=user, private_metadata=view["private_metadata"])


def start_handoff(bot: BotHandle, standin, *lines: str, **override: str) -> tuple[str, dict[str, Any]]:
    """Shortcut → modal → submit; returns (handoff id, the post's chat.postMessage params)."""
    root = thread(bot, *(lines or ANGRY))
    view = open_modal(bot, standin, root)
    posts = len(standin.calls_to("chat.postMessage", where=is_case))
    assert submit(bot, view, **override).status == 200
    post = standin.wait_for("chat.postMessage", count=posts + 1, where=is_case)[-1]
    bot.settle()
    handoff_id = bot.run(bot.store.thread_handoff(SUPPORT, root))
    return handoff_id, post.params


def click(bot: BotHandle, action: str, handoff_id: str, user: str, trigger_id: str | None = None):
    return bot.sender.block_action(action, handoff_id, user_id=user, channel_id=SUPERVISOR_CHANNEL, trigger_id=trigger_id,
                                   message={"ts": "1.1", "type": "message"})


def texts(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks") or [], ensure_ascii=False) + params.get("text", "")


def ephemerals(standin, user: str) -> list[str]:
    return [c.params["text"] for c in standin.calls_to("chat.postEphemeral", where=lambda c: c.params["user"] == user)]


def updates(standin) -> list[str]:
    return [texts(c.params) for c in standin.calls_to("chat.update", where=is_case)]


# ---- shortcut → modal → post -----------------------------------------------------------------------


def test_shortcut_opens_a_prefilled_modal_and_submitting_posts_the_whole_case(bot, standin):
    root = thread(bot, *ANGRY)
    view = open_modal(bot, standin, root)
    assert view["callback_id"] == ids.HANDOFF_MODAL and view["private_metadata"] == f"{SUPPORT}|{root}|{AGENT}"
    prefilled = {b["block_id"]: b["element"].get("initial_value") or b["element"].get("initial_option", {}).get("value")
                 for b in view["blocks"] if b["type"] == "input"}
    assert prefilled["issue"]
    assert "money back" in prefilled["wanted"].lower()
    assert prefilled["severity"] in ("high", "critical")

    assert submit(bot, view, note="VIP customer, be gentle").status == 200
    post = standin.wait_for("chat.postMessage", where=is_case)[0].params
    body = texts(post)
    blocks = post["blocks"]
    assert blocks[0]["type"] == "header"
    for expected in (f"<@{CUSTOMER}>", f"<@{AGENT}>", f"/archives/{SUPPORT}/p{root.replace('.', '')}", "*Tension* `",
                     "What set it off", "money back", "VIP customer, be gentle", "First signs of tension"):
        assert expected in body, expected
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [ids.HANDOFF_ACCEPT, ids.HANDOFF_DECLINE, ids.HANDOFF_REASSIGN]

    bot.settle()
    handoff_id = bot.run(bot.store.thread_handoff(SUPPORT, root))
    stored = bot.run(bot.store.handoff(handoff_id))
    assert stored["state"] == "open" and stored["post_ts"] and stored["requested_by"] == AGENT
    assert any("Handoff sent to the supervisors" in t for t in ephemerals(standin, AGENT))
    timers = dict(bot.run(bot.store.timers()))
    assert abs(timers[f"sla|{handoff_id}|1"] - float(stored["requested_at"]) - 300) < 1
    _, record = bot.run(bot.store.load_thread(SUPPORT, root))
    assert record["handoff_id"] == handoff_id
    assert [e["what"] for e in bot.run(bot.store.audit_trail(handoff_id))] == ["opened"]


def test_an_empty_issue_keeps_the_modal_open_with_an_error(make_bot, standin):
    bot = make_bot()
    root = thread(bot, *ANGRY)
    view = open_modal(bot, standin, root)
    answer = submit(bot, view, issue="   ")
    assert answer.status == 200 and answer.json()["response_action"] == "errors" and "issue" in answer.json()["errors"]
    standin.assert_no_call("chat.postMessage", within=0.3, where=is_case)


def test_a_second_request_for_the_thread_shows_the_open_handoff(make_bot, standin):
    bot = make_bot()
    handoff_id, _ = start_handoff(bot, standin)
    root = bot.run(bot.store.handoff(handoff_id))["root_ts"]
    # Another agent of the thread (one who has replied in it: the rule `status` applies too).
    send(bot, root, "UAGENT2", "I can help here too.", lambda r: "UAGENT2" in r.get("agents", []), thread_ts=root)
    view = open_modal(bot, standin, root, user="UAGENT2")
    assert view["title"]["text"] == "Handoff already open"
    assert "already has a handoff, waiting for a supervisor" in texts(view)
    assert len(standin.calls_to("chat.postMessage", where=is_case)) == 1


def test_start_handoff_on_a_whisper_opens_the_same_modal(make_bot, standin):
    bot = make_bot()
    root = thread(bot, *ANGRY)
    bot.sender.block_action(ids.START_HANDOFF, f"{SUPPORT}|{root}", user_id=AGENT, channel_id=SUPPORT)
    view = standin.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == ids.HANDOFF_MODAL and view["private_metadata"] == f"{SUPPORT}|{root}|{AGENT}"


# ---- what never reaches the post --------------------------------------------------------------------


def test_mentions_links_and_personal_data_never_reach_the_supervisor_channel(make_bot, standin):
    bot = make_bot()
    handoff_id, post = start_handoff(
        bot, standin,
        "<!channel> my refund is 3 weeks late, <@U0CEO> look at this!!!",
        "Pay it back to card 4111 1111 1111 1111 or mail me at jane.doe@example.com, phone +1 415 555 0100",
        "I want my money back now, IBAN DE89 3704 0044 0532 0130 00 <https://evil.example/x|click here> <!here>",
        note="<!everyone> customer says <@U0CEO> knows",
    )
    body = texts(post)
    for leaked in ("<!channel>", "<!here>", "<!everyone>", "<@U0CEO>", "evil.example", "4111", "jane.doe", "555 0100", "DE89 3704"):
        assert leaked not in body, leaked
    ours = [f"<@{CUSTOMER}>", f"<@{AGENT}>"]
    for text in _strings(post["blocks"]) + [post["text"]]:
        for token in ours:
            text = text.replace(token, "")
        text = text.split("<https://standin.slack.com/")[0] + text.split("|Open the thread>")[-1]
        assert not has_live_markup(text), text
    stored = json.dumps(bot.run(bot.store.handoff(handoff_id)))
    assert "4111" not in stored and "jane.doe" not in stored


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, (list, tuple)):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


# ---- accept ----------------------------------------------------------------------------------------


def test_concurrent_accepts_on_two_replicas_have_exactly_one_winner(make_bot, standin, redis_url):
    first, second = make_bot(redis_url), make_bot(redis_url)
    handoff_id, _ = start_handoff(first, standin)
    barrier = threading.Barrier(2)

    def accept(bot: BotHandle, user: str) -> None:
        barrier.wait()
        click(bot, ids.HANDOFF_ACCEPT, handoff_id, user)

    clicks = [threading.Thread(target=accept, args=(first, SUPERVISOR)), threading.Thread(target=accept, args=(second, SUPERVISOR_2))]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    refused = standin.wait_for("chat.postEphemeral", where=lambda c: c.params["text"].startswith("Already taken by"))
    first.settle(), second.settle()
    winner = first.run(first.store.handoff(handoff_id))["accepted_by"]
    loser = SUPERVISOR_2 if winner == SUPERVISOR else SUPERVISOR
    assert [c.params["user"] for c in refused] == [loser]
    assert refused[0].params["text"] == f"Already taken by <@{winner}>."
    accepted = [u for u in updates(standin) if "Accepted by" in u]
    assert len(accepted) == 1 and f"Accepted by <@{winner}>, " in accepted[0] and "after the request" in accepted[0]
    dms = standin.calls_to("chat.postMessage", where=lambda c: c.params["channel"].startswith("D"))
    assert [c.params["channel"] for c in dms] == [standin.dm_channel(winner)]
    assert "Go to the thread" in texts(dms[0].params)
    assert any(f"<@{winner}> took your handoff" in t for t in ephemerals(standin, AGENT))
    trail = first.run(first.store.audit_trail(handoff_id))
    assert [(e["what"], e["who"]) for e in trail] == [("opened", AGENT), ("accepted", winner)]


def test_an_outsider_is_refused_privately_and_nothing_changes(make_bot, standin):
    bot = make_bot()
    handoff_id, _ = start_handoff(bot, standin)
    for action in (ids.HANDOFF_ACCEPT, ids.HANDOFF_DECLINE, ids.HANDOFF_REASSIGN):
        click(bot, action, handoff_id, OUTSIDER)
    refusals = standin.wait_for("chat.postEphemeral", count=3, where=lambda c: c.params["user"] == OUTSIDER)
    assert all(c.params["text"].startswith("Only supervisors can") for c in refusals)
    bot.settle()
    assert bot.run(bot.store.handoff(handoff_id))["state"] == "open"
    assert not standin.calls_to("views.open", where=lambda c: c.params["view"].get("callback_id") != ids.HANDOFF_MODAL)
    assert not updates(standin)


def test_members_of_the_supervisor_group_may_accept_and_the_group_is_cached(make_bot, standin):
    standin.set_usergroup("S0SUPERS", ["UGROUPIE"])
    bot = make_bot(DEESCALATE_SUPERVISORS="S0SUPERS")
    first, _ = start_handoff(bot, standin)
    click(bot, ids.HANDOFF_ACCEPT, first, OUTSIDER)
    click(bot, ids.HANDOFF_ACCEPT, first, "UGROUPIE")
    standin.wait_for("chat.update")
    bot.settle()
    assert bot.run(bot.store.handoff(first))["accepted_by"] == "UGROUPIE"
    assert ephemerals(standin, OUTSIDER)[0].startswith("Only supervisors can accept")
    assert len(standin.calls_to("usergroups.users.list")) == 1


# ---- decline and reassign --------------------------------------------------------------------------


def test_decline_asks_a_reason_then_tells_the_agent_and_leaves_the_queue(bot, standin):
    handoff_id, _ = start_handoff(bot, standin)
    click(bot, ids.HANDOFF_DECLINE, handoff_id, SUPERVISOR)
    view = standin.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"] == ids.DECLINE_MODAL)[0].params["view"]
    empty = bot.sender.view_submission(ids.DECLINE_MODAL, {"reason": {"value": " "}}, user_id=SUPERVISOR, private_metadata=view["private_metadata"])
    assert empty.json()["response_action"] == "errors"
    done = bot.sender.view_submission(ids.DECLINE_MODAL, {"reason": {"value": "Billing can fix this directly"}}, user_id=SUPERVISOR,
                                      private_metadata=view["private_metadata"])
    assert done.status == 200 and not done.body
    standin.wait_for("chat.update")
    bot.settle()
    assert "Declined by <@USUPER1>: “Billing can fix this directly”" in updates(standin)[-1]
    assert any("declined your handoff" in t and "Billing can fix this directly" in t for t in ephemerals(standin, AGENT))
    assert handoff_id not in [h["id"] for h in bot.run(bot.store.open_handoffs())]
    assert not [t for t, _ in bot.run(bot.store.timers()) if t.startswith("sla|")]
    # A late accept after the decline is told what happened instead of winning.
    click(bot, ids.HANDOFF_ACCEPT, handoff_id, SUPERVISOR_2)
    late = standin.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == SUPERVISOR_2)[0]
    assert late.params["text"] == "This handoff was declined by <@USUPER1>."


def test_reassign_picks_a_supervisor_who_gets_the_case_by_dm(make_bot, standin):
    bot = make_bot()
    handoff_id, _ = start_handoff(bot, standin)
    click(bot, ids.HANDOFF_REASSIGN, handoff_id, SUPERVISOR)
    view = standin.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"] == ids.REASSIGN_MODAL)[0].params["view"]
    assert view["blocks"][-1]["element"]["type"] == "users_select"

    def pick(user: str):
        return bot.sender.view_submission(ids.REASSIGN_MODAL, {"assignee": {"value": {"type": "users_select", "selected_user": user}}},
                                          user_id=SUPERVISOR, private_metadata=view["private_metadata"])

    assert "not one of the supervisors" in pick(OUTSIDER).json()["errors"]["assignee"]
    assert pick(SUPERVISOR_2).status == 200
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == standin.dm_channel(SUPERVISOR_2))[0]
    assert "<@USUPER1> handed you this case." in texts(dm.params)
    bot.settle()
    stored = bot.run(bot.store.handoff(handoff_id))
    assert (stored["state"], stored["assignee"], stored["assigned_by"]) == ("open", SUPERVISOR_2, SUPERVISOR)
    assert "assigned to <@USUPER2>" in updates(standin)[-1]
    assert any("is now with <@USUPER2>" in t for t in ephemerals(standin, AGENT))
    assert bot.run(bot.store.audit_trail(handoff_id))[-1] == {**bot.run(bot.store.audit_trail(handoff_id))[-1], "what": "reassigned", "who": SUPERVISOR, "to": SUPERVISOR_2}


# ---- re-notify --------------------------------------------------------------------------------------


def still_waiting(call) -> bool:
    return call.params["channel"] == SUPERVISOR_CHANNEL and "still waiting" in call.params.get("text", "").lower()


def _reposts(standin, channel: str = SUPERVISOR_CHANNEL):
    posts = standin.calls_to("chat.postMessage", where=lambda c: c.params["channel"] == channel)
    return [c for c in posts if "still waiting" in texts(c.params) or "without anyone taking it" in texts(c.params)]


def test_renotify_after_the_sla_then_second_tier_then_silence(make_bot, standin):
    standin.set_usergroup("S0SUPERS", [SUPERVISOR])
    bot = make_bot(DEESCALATE_SUPERVISORS=f"S0SUPERS,{SUPERVISOR_2}", DEESCALATE_HANDOFF_SLA_MINUTES="2", DEESCALATE_RENOTIFY_MAX="2",
                   DEESCALATE_SECOND_TIER_CHANNEL="CTIER2")
    handoff_id, _ = start_handoff(bot, standin)
    bot.advance(60)
    standin.assert_no_call("chat.postMessage", within=0.3, where=still_waiting)
    bot.advance(61)
    first = standin.wait_for("chat.postMessage", where=still_waiting)[0]
    assert first.params["blocks"][0]["text"]["text"].startswith("<!subteam^S0SUPERS> this handoff is still waiting after 2 min")
    bot.advance(120)
    standin.wait_for("chat.postMessage", count=2, where=still_waiting)
    bot.advance(120)
    tier = standin.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == "CTIER2")[0]
    assert "without anyone taking it" in texts(tier.params)
    bot.advance(600)
    standin.assert_no_call("chat.postMessage", within=0.4, where=lambda c: c.params["channel"] == "CTIER2" and c is not tier)
    bot.settle()
    assert len(_reposts(standin)) == 2 and len(_reposts(standin, "CTIER2")) == 1
    stored = bot.run(bot.store.handoff(handoff_id))
    assert stored["renotified"] == "2" and len(json.loads(stored["reposts"])) == 2
    assert [e["what"] for e in bot.run(bot.store.audit_trail(handoff_id))] == ["opened", "renotified", "renotified", "second_tier"]
    counters = bot.run(bot.store.daily_counters(1, bot.runtime.clock()))
    assert list(counters.values())[0]["renotifies"] == 2
    # Accepting now brings every copy of the case up to date.
    click(bot, ids.HANDOFF_ACCEPT, handoff_id, SUPERVISOR_2)
    standin.wait_for("chat.update", count=4)
    bot.settle()
    assert sum("Accepted by <@USUPER2>" in texts(c.params) for c in standin.calls_to("chat.update")) == 4


def test_accept_stops_the_renotify(make_bot, standin):
    bot = make_bot(DEESCALATE_HANDOFF_SLA_MINUTES="1")
    handoff_id, _ = start_handoff(bot, standin)
    click(bot, ids.HANDOFF_ACCEPT, handoff_id, SUPERVISOR)
    standin.wait_for("chat.update")
    bot.settle()
    assert not [t for t, _ in bot.run(bot.store.timers()) if t.startswith("sla|")]
    bot.advance(3600)
    standin.assert_no_call("chat.postMessage", within=0.4, where=still_waiting)


def test_handoff_and_its_timer_survive_a_restart_with_redis(make_bot, standin, redis_url):
    # Built by hand rather than by make_bot, whose teardown would stop it a second time.
    before = BotHandle(bot_env(standin, redis_url, DEESCALATE_HANDOFF_SLA_MINUTES="1"))
    try:
        handoff_id, _ = start_handoff(before, standin)
    finally:
        before.stop()
    after = make_bot(redis_url, DEESCALATE_HANDOFF_SLA_MINUTES="1")
    after.advance(61)
    repost = standin.wait_for("chat.postMessage", where=still_waiting)[0]
    assert "<@USUPER1> <@USUPER2> this handoff is still waiting" in texts(repost.params)
    click(after, ids.HANDOFF_ACCEPT, handoff_id, SUPERVISOR)
    standin.wait_for("chat.update", count=2)
    after.settle()
    assert after.run(after.store.handoff(handoff_id))["accepted_by"] == SUPERVISOR


# ---- resolve and follow up --------------------------------------------------------------------------


def test_resolve_by_the_accepter_with_follow_up_reminds_the_agent_later(bot, standin):
    handoff_id, _ = start_handoff(bot, standin)
    click(bot, ids.HANDOFF_ACCEPT, handoff_id, SUPERVISOR)
    standin.wait_for("chat.update")
    bot.settle()
    click(bot, ids.HANDOFF_RESOLVE, handoff_id, SUPERVISOR_2)
    assert standin.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == SUPERVISOR_2)[0].params["text"].startswith(
        "Only the supervisor working this case (<@USUPER1>) can resolve it.")
    click(bot, ids.HANDOFF_RESOLVE, handoff_id, SUPERVISOR)
    view = standin.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"] == ids.RESOLVE_MODAL)[0].params["view"]
    causes = [o["value"] for b in view["blocks"] if b.get("block_id") == "root_cause" for o in b["element"]["options"]]
    assert causes == list(bot.config.root_causes)

    def resolve(cost: str):
        values = {
            "resolution": {"value": "Refunded in full and added a goodwill credit"},
            "root_cause": {"value": {"type": "static_select", "selected_option": {"value": "billing error"}}},
            "cost": {"value": cost},
            "follow_up": {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
        }
        return bot.sender.view_submission(ids.RESOLVE_MODAL, values, user_id=SUPERVISOR, private_metadata=view["private_metadata"])

    assert "cost" in resolve("a lot").json()["errors"]
    assert resolve("$40").status == 200
    standin.wait_for("chat.update", count=2)
    bot.settle()
    final = updates(standin)[-1]
    assert "Resolved by <@USUPER1>" in final and "root cause: billing error" in final and "cost: 40.00" in final
    assert ids.HANDOFF_RESOLVE not in final
    assert any("resolved your handoff" in t for t in ephemerals(standin, AGENT))
    stored = bot.run(bot.store.handoff(handoff_id))
    assert (stored["state"], stored["root_cause"], stored["cost"], stored["follow_up"]) == ("resolved", "billing error", "40.00", "1")

    agent_dm = standin.dm_channel(AGENT)
    bot.advance(23 * 3600)
    standin.assert_no_call("chat.postMessage", within=0.3, where=lambda c: c.params["channel"] == agent_dm)
    bot.advance(3600 + 5)
    reminder = standin.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == agent_dm)[0]
    assert "Follow-up time" in texts(reminder.params) and "Refunded in full" in texts(reminder.params)
    bot.settle()
    trail = [e["what"] for e in bot.run(bot.store.audit_trail(handoff_id))]
    assert trail == ["opened", "accepted", "resolved", "followup_reminded"]
    counters = list(bot.run(bot.store.daily_counters(2, bot.runtime.clock())).values())
    assert sum(day.get("handoff_resolved", 0) for day in counters) == 1 and sum(day.get("handoffs", 0) for day in counters) == 1


@pytest.mark.parametrize("state", ["declined", "resolved"])
def test_a_new_handoff_can_follow_a_finished_one(make_bot, standin, state):
    bot = make_bot()
    handoff_id, _ = start_handoff(bot, standin)
    root = bot.run(bot.store.handoff(handoff_id))["root_ts"]
    bot.run(bot.store.transition(handoff_id, ["open"], state, {}, {"what": state}))
    view = open_modal(bot, standin, root)
    assert view["callback_id"] == ids.HANDOFF_MODAL
    submit(bot, view)
    standin.wait_for("chat.postMessage", count=2, where=is_case)
    bot.settle()
    assert bot.run(bot.store.thread_handoff(SUPPORT, root)) != handoff_id
