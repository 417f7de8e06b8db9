"""The pure handoff core: severity, the modal's prefill, validation, the stored record, and the case post."""

from __future__ import annotations

import json

import pytest

from bot import effects, ids
from bot.case import Case, Line, Step
from bot.detector import ThreadTension
from bot.handoff import (
    Handoff,
    allowed_from,
    audit,
    handoff_fields,
    parse_cost,
    prefill,
    refusal,
    renotify_step,
    sla_timer,
    suggest_severity,
    target_state,
    validate_request,
)
from bot.report import duration
from bot.handoff_blocks import (
    agent_notice,
    case_post,
    decline_modal,
    existing_modal,
    followup_reminder,
    group_mention,
    handoff_modal,
    read_request,
    read_resolution,
    renotify_post,
    resolve_modal,
    supervisor_dm,
)

T0 = 1_700_000_000.0


def a_case(**over) -> Case:
    case = Case(
        channel="CSUP",
        root_ts="1700000000.000100",
        customer="UCUST",
        agents=["UAGENT"],
        tension=ThreadTension(trajectory=[0.2, 0.45, 0.7, 0.9], levels=["calm", "uneasy", "tense", "heated"]),
        level="heated",
        peak_level="heated",
        evidence={"delay": "waiting for three weeks", "legal": "calling my lawyer"},
        lines=[
            Line("1.1", "My refund still hasn't arrived after three weeks.", "uneasy", T0),
            Line("1.2", "I want my money back by Friday or I'm calling my lawyer.", "heated", T0 + 60),
        ],
        first_tense_at=T0 + 30,
        steps=[Step(T0 + 40, "UAGENT", "apology", text="Sorry for the wait"), Step(T0 + 50, "UAGENT", "boundary", step=1)],
    )
    for name, value in over.items():
        setattr(case, name, value)
    return case


def a_handoff(state: str = "open", **fields: str) -> Handoff:
    request, _ = validate_request("Refund missing for 3 weeks", "Money back by Friday", "Apologised\nOffered a call", "high", "VIP")
    base = handoff_fields(a_case(), request, channel="CSUP", root_ts="1700000000.000100", requested_by="UAGENT", now=T0 + 100,
                          permalink="https://standin.slack.com/archives/CSUP/p1700000000000100")
    return Handoff.from_fields({**base, "id": "h1", "state": state, **fields})


# ---- severity and prefill ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"flags": ["threat"]}, "critical"),
        ({"evidence": {"hate": "slur"}, "peak_level": "uneasy"}, "critical"),
        ({"peak_level": "heated", "evidence": {}}, "high"),
        ({"peak_level": "tense", "evidence": {"legal": "lawyer"}}, "high"),
        ({"peak_level": "uneasy", "evidence": {}, "abuse_seen": True}, "high"),
        ({"peak_level": "tense", "evidence": {"delay": "days"}}, "medium"),
        ({"peak_level": "uneasy", "evidence": {"churn": "cancel"}}, "medium"),
        ({"peak_level": "calm", "evidence": {}}, "low"),
    ],
)
def test_severity_follows_harm_then_heat_then_stakes(over, expected):
    assert suggest_severity(a_case(**over)) == expected


def test_prefill_takes_issue_wanted_steps_and_severity_from_the_record():
    fill = prefill(a_case(), note="over to you")
    assert fill.issue and len(fill.issue) <= 140
    assert "money back" in fill.wanted.lower()
    assert fill.steps == ("Apologised: Sorry for the wait", "Boundary step 1")
    assert fill.severity == "high"
    assert fill.note == "over to you"


def test_prefill_for_a_thread_never_seen_is_empty_but_usable():
    fill = prefill(None, note="customer on the phone")
    assert (fill.issue, fill.wanted, fill.steps, fill.severity) == ("", "", (), "medium")
    view = handoff_modal(fill, channel="C1", root_ts="1.2", requested_by="UAGENT")
    assert view["private_metadata"] == "C1|1.2|UAGENT"


def test_prefill_redacts_personal_data_before_it_reaches_the_modal():
    case = a_case(lines=[Line("1.1", "Refund to card 4111 1111 1111 1111 or mail jane.doe@example.com please", "tense", T0)])
    view = json.dumps(handoff_modal(prefill(case), channel="C", root_ts="1.2", requested_by="U1"), ensure_ascii=False)
    assert "4111" not in view and "jane.doe" not in view


# ---- validation and the stored record ----------------------------------------------------------------


def test_an_empty_issue_or_unknown_severity_is_refused_with_field_errors():
    request, errors = validate_request("   ", "", "", "urgent", "")
    assert request is None
    assert set(errors) == {"issue", "severity"}


def test_request_steps_are_split_per_line_and_personal_data_redacted():
    request, errors = validate_request("Card charged twice", "refund to jane@example.com", "• Apologised\n\n- Offered credit\n", "medium",
                                       "call +44 20 7946 0958")
    assert not errors
    assert request.steps == ("Apologised", "Offered credit")
    assert "jane@" not in request.wanted and "[email]" in request.wanted
    assert "7946" not in request.note


def test_record_keeps_trajectory_evidence_people_and_times():
    h = a_handoff()
    assert (h.customer, h.agent, h.requested_by) == ("UCUST", "UAGENT", "UAGENT")
    assert h.trajectory == (0.2, 0.45, 0.7, 0.9)
    assert h.levels == ("calm", "uneasy", "tense", "heated")
    assert dict(h.triggers) == {"delay": "waiting for three weeks", "legal": "calling my lawyer"}
    assert h.first_tense_at == T0 + 30 and h.requested_at == T0 + 100
    assert h.steps == ("Apologised", "Offered a call") and h.severity == "high"


def test_a_damaged_record_still_reads():
    h = Handoff.from_fields({"id": "x", "state": "open", "steps": "not json", "triggers": "[1,2]", "requested_at": "soon",
                             "customer": "<!channel>", "severity": "extreme"})
    assert h.steps == () and h.triggers == () and h.requested_at == 0.0
    assert h.customer is None and h.severity == "medium"


# ---- states, refusals, timers -----------------------------------------------------------------


def test_moves_between_states():
    assert allowed_from("accept") == ("open",) and target_state("accept", "open") == "accepted"
    assert allowed_from("resolve") == ("accepted",) and target_state("resolve", "accepted") == "resolved"
    assert target_state("reassign", "accepted") == "accepted" and target_state("reassign", "open") == "open"


def test_the_loser_of_a_race_is_told_who_took_it():
    assert refusal({"state": "accepted", "accepted_by": "USUPER1"}, "accept") == "Already taken by <@USUPER1>."
    assert "declined by <@USUPER2>" in refusal({"state": "declined", "declined_by": "USUPER2"}, "accept")
    assert "Accept this handoff before" in refusal({"state": "open"}, "resolve")


@pytest.mark.parametrize(("raw", "expected"), [("", ("", None)), ("25", ("25.00", None)), ("$1,200.5", ("1200.50", None))])
def test_cost_accepts_plain_amounts(raw, expected):
    assert parse_cost(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "-5", "nan", "1e12"])
def test_cost_refuses_what_is_not_an_amount(raw):
    value, problem = parse_cost(raw)
    assert value == "" and problem


def test_sla_timers_repost_then_go_to_the_second_tier_then_stop():
    steps = [renotify_step(n, 2, True) for n in range(1, 6)]
    assert steps == ["repost", "repost", "second_tier", "stop", "stop"]
    assert [renotify_step(n, 2, False) for n in (1, 2, 3)] == ["repost", "repost", "stop"]
    assert renotify_step(1, 0, True) == "second_tier"
    parsed = [effects.parse(t) for t in (sla_timer("abc", 3), "followup|abc")]
    assert [(p.kind, p.handoff_id, p.attempt) for p in parsed] == [("sla", "abc", 3), ("followup", "abc", 0)]


def test_audit_entry_says_who_what_when():
    assert audit("USUPER1", "accepted", 12.34567, reason="", to=None) == {"at": 12.346, "who": "USUPER1", "what": "accepted"}


# ---- the case post ------------------------------------------------------------------------------


def _text(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _buttons(blocks) -> list[tuple[str, str]]:
    return [(e["action_id"], e["value"]) for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_open_post_shows_the_whole_case_and_three_buttons():
    h = a_handoff()
    text, blocks = case_post(h, T0 + 400)
    assert blocks[0]["type"] == "header" and "High" in blocks[0]["text"]["text"] and "Refund missing" in blocks[0]["text"]["text"]
    body = _text(blocks)
    for expected in ("<@UCUST>", "<@UAGENT>", "|Open the thread>", "▂", "peak *heated*", "waiting for three weeks",
                     "Money back by Friday", "Offered a call", "VIP", "First signs of tension 6 min ago"):
        assert expected in body, expected
    assert _buttons(blocks) == [(ids.HANDOFF_ACCEPT, "h1"), (ids.HANDOFF_DECLINE, "h1"), (ids.HANDOFF_REASSIGN, "h1")]
    assert "Refund missing" in text


def test_accepted_post_names_the_supervisor_and_the_wait_and_offers_resolve():
    h = a_handoff("accepted", accepted_by="USUPER1", accepted_at=str(T0 + 100 + 7 * 60 + 5))
    _, blocks = case_post(h, T0 + 2000)
    assert "Accepted by <@USUPER1>, 7 min after the request" in _text(blocks)
    assert [a for a, _ in _buttons(blocks)] == [ids.HANDOFF_RESOLVE, ids.HANDOFF_REASSIGN]


def test_declined_and_resolved_posts_have_no_buttons():
    declined = a_handoff("declined", declined_by="USUPER2", decline_reason="Billing owns this")
    _, blocks = case_post(declined, T0 + 500)
    assert "Declined by <@USUPER2>: “Billing owns this”" in _text(blocks) and not _buttons(blocks)
    resolved = a_handoff("resolved", accepted_by="USUPER1", resolved_by="USUPER1", resolved_at=str(T0 + 3700),
                         resolution="Refunded in full", root_cause="billing error", cost="40.00", follow_up="1")
    _, blocks = case_post(resolved, T0 + 4000)
    body = _text(blocks)
    assert "Resolved by <@USUPER1>, 1 h after the request" in body
    assert "root cause: billing error" in body and "cost: 40.00" in body and "follow-up reminder set" in body
    assert not _buttons(blocks)


def test_header_stays_within_slacks_limit_for_the_longest_issue():
    h = a_handoff(issue="W" * 140, severity="critical")
    _, blocks = case_post(h, T0)
    assert len(blocks[0]["text"]["text"]) <= 150


def test_renotify_mentions_the_group_or_each_supervisor():
    assert group_mention("S0SUPERS", {"U1X"}) == "<!subteam^S0SUPERS>"
    assert group_mention(None, {"USUPER2", "USUPER1"}) == "<@USUPER1> <@USUPER2>"
    h = a_handoff(post_permalink="https://standin.slack.com/archives/CSUPERVISE/p1")
    text, blocks = renotify_post(h, T0 + 100 + 301, "<!subteam^S0SUPERS>")
    assert blocks[0]["text"]["text"].startswith("<!subteam^S0SUPERS> this handoff is still waiting after 5 min")
    assert "|Original post>" in blocks[0]["text"]["text"]
    assert any(b["type"] == "actions" for b in blocks)


def test_supervisor_dm_links_the_thread_and_offers_resolve():
    h = a_handoff("accepted", accepted_by="USUPER1", accepted_at=str(T0 + 200))
    text, blocks = supervisor_dm(h, T0 + 300)
    assert "You took this case." in blocks[0]["text"]["text"] and "|Go to the thread>" in blocks[0]["text"]["text"]
    assert _buttons(blocks) == [(ids.HANDOFF_RESOLVE, "h1")]
    _, blocks = supervisor_dm(h, T0 + 300, reassigned_by="USUPER2")
    assert blocks[0]["text"]["text"].startswith("<@USUPER2> handed you this case.")


def test_agent_notices_say_what_happened():
    accepted = a_handoff("accepted", accepted_by="USUPER1", accepted_at=str(T0 + 100 + 180))
    assert "<@USUPER1> took your handoff" in agent_notice("accepted", accepted, T0)
    assert "3 min after you asked" in agent_notice("accepted", accepted, T0)
    declined = a_handoff("declined", declined_by="USUPER2", decline_reason="Ask billing")
    assert "Their reason: “Ask billing”" in agent_notice("declined", declined, T0)
    assert "already has a handoff" in agent_notice("exists", a_handoff(), T0)


def test_modals_stay_within_slacks_limits():
    h = a_handoff()
    views = [handoff_modal(prefill(a_case()), channel="C", root_ts="1.2", requested_by="U1"), existing_modal(h, T0),
             decline_modal(h), resolve_modal(h, ("billing error", "other"))]
    for view in views:
        assert len(view["title"]["text"]) <= 24
        assert len(view["blocks"]) <= 100
        assert len(view.get("private_metadata", "")) <= 3000


def test_reading_submitted_values():
    values = {
        "issue": {"value": {"type": "plain_text_input", "value": "Refund"}},
        "severity": {"value": {"type": "static_select", "selected_option": {"value": "high"}}},
        "wanted": {"value": {"type": "plain_text_input", "value": None}},
    }
    assert read_request(values) == {"issue": "Refund", "wanted": "", "steps": "", "severity": "high", "note": ""}
    resolved = read_resolution({
        "resolution": {"value": {"value": "Refunded"}},
        "root_cause": {"value": {"selected_option": {"value": "other"}}},
        "follow_up": {"value": {"selected_options": [{"value": "yes"}]}},
    })
    assert resolved == {"resolution": "Refunded", "root_cause": "other", "cost": "", "follow_up": True}


def test_followup_reminder_points_back_to_the_thread():
    h = a_handoff("resolved", resolved_by="USUPER1", resolved_at=str(T0), resolution="Refund sent")
    text, blocks = followup_reminder(h, T0 + 24 * 3600)
    assert "24 h ago <@USUPER1> resolved" in blocks[0]["text"]["text"]
    assert "Refund sent" in _text(blocks)


@pytest.mark.parametrize(("seconds", "shown"), [(5, "under a minute"), (61, "1 min"), (3600, "1 h"), (7500, "2 h 5 min"), (3 * 86400, "3 days"), (3 * 86400 + 4 * 3600, "3 days 4 h"), (None, "–")])
def test_durations_read_the_same_everywhere(seconds, shown):
    assert duration(seconds) == shown
