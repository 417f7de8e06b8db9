"""The handoff lifecycle without a server: each move from the MOVES table, each refusal, the forms, the SLA policy."""

from __future__ import annotations

import json

import pytest

from bot import effects
from bot.handoff import (
    MOVES,
    Handoff,
    accept_move,
    decline_move,
    make_move,
    reassign_move,
    repost_changes,
    resolve_move,
    resolve_refusal,
    sla_plan,
    too_late,
    validate_decline,
    validate_reassign,
    validate_resolution,
)

NOW = 1_700_000_000.0
SUPER, OTHER, AGENT = "USUPER1", "USUPER2", "UAGENT"


def _handoff(state: str = "open", **fields: str) -> Handoff:
    return Handoff.from_fields({"id": "a1b2c3d4e5f6", "state": state, "channel": "C1", "root_ts": "1.2",
                                "requested_by": AGENT, "requested_at": "1000.0", **fields})


# ---- moves: every one is built from the table --------------------------------------------------------


def test_every_move_starts_and_ends_where_the_table_says():
    renotify_max = 2
    built = {
        "accept": accept_move("h1", SUPER, NOW, renotify_max),
        "decline": decline_move("h1", SUPER, "not ours", NOW, renotify_max),
        "reassign": make_move("reassign", {}, {}),
        "resolve": resolve_move(SUPER, validate_resolution("Refunded", "", "", False, ())[0], NOW),
    }
    for action, move in built.items():
        assert (move.allowed, move.to_state) == MOVES[action]
        assert move.action == action


def test_accept_names_the_supervisor_and_drops_every_sla_timer_it_could_have():
    move = accept_move("h1", SUPER, NOW, renotify_max=2)
    assert move.fields == {"accepted_by": SUPER, "accepted_at": f"{NOW:.3f}"}
    assert move.audit == {"at": NOW, "who": SUPER, "what": "accepted"}
    assert move.drop_timers == ("sla|h1|1", "sla|h1|2", "sla|h1|3", "sla|h1|4")
    assert not move.leaves_live()


def test_decline_and_resolve_take_the_handoff_off_the_live_queue():
    assert decline_move("h1", SUPER, "no", NOW, 1).leaves_live()
    assert resolve_move(SUPER, validate_resolution("Done", "", "", False, ())[0], NOW).leaves_live()


def test_reassign_keeps_the_state_the_form_was_opened_on_so_a_race_refuses_it():
    on_open = reassign_move("open", SUPER, OTHER, NOW)
    assert on_open.allowed == ("open",) and on_open.to_state is None
    assert on_open.fields == {"assignee": OTHER, "assigned_by": SUPER}
    assert on_open.audit["to"] == OTHER
    assert reassign_move("accepted", SUPER, OTHER, NOW).allowed == ("accepted",)
    assert reassign_move("resolved", SUPER, OTHER, NOW).allowed == ()  # nothing it may start from


def test_resolve_records_the_form_and_whether_to_follow_up():
    resolution, _ = validate_resolution("Refunded the order", "$1,200.5", "billing", True, ("billing", "shipping"))
    move = resolve_move(SUPER, resolution, NOW)
    assert move.fields["resolution"] == "Refunded the order"
    assert move.fields["cost"] == "1200.50" and move.fields["root_cause"] == "billing" and move.fields["follow_up"] == "1"
    assert move.audit["follow_up"] is True and move.audit["cost"] == "1200.50"


# ---- refusals ----------------------------------------------------------------------------------------


def test_a_move_that_lost_says_who_won_or_that_the_handoff_is_gone():
    assert too_late("missing", {}, "accept") == "That handoff is no longer on record."
    assert too_late("refused", {"state": "accepted", "accepted_by": OTHER}, "accept") == f"Already taken by <@{OTHER}>."
    assert "declined by" in too_late("refused", {"state": "declined", "declined_by": OTHER}, "reassign")
    assert "already resolved" in too_late("refused", {"state": "resolved", "resolved_by": OTHER}, "decline")


def test_only_the_supervisor_working_an_accepted_case_may_resolve_it():
    assert resolve_refusal(None, SUPER) == "That handoff is no longer on record."
    assert resolve_refusal(_handoff("open"), SUPER) == "Accept this handoff before resolving it."
    accepted = _handoff("accepted", accepted_by=SUPER)
    assert resolve_refusal(accepted, SUPER) is None
    assert resolve_refusal(accepted, OTHER) == "Only the supervisor working this case can resolve it."
    assert resolve_refusal(_handoff("accepted", accepted_by=SUPER, assignee=OTHER), OTHER) is None
    assert "already resolved" in (resolve_refusal(_handoff("resolved", resolved_by=SUPER), SUPER) or "")


# ---- the forms ----------------------------------------------------------------------------------------


def test_a_decline_needs_a_reason_and_a_supervisor_and_is_redacted():
    assert validate_decline("   ", by_supervisor=True) == (None, {"reason": "Give the agent a reason, so they know what to do next."})
    assert validate_decline("busy", by_supervisor=False) == (None, {"reason": "Only supervisors can decline handoffs."})
    reason, problems = validate_decline("call  me at jane@example.com", by_supervisor=True)
    assert problems == {} and reason is not None
    assert "jane@example.com" not in reason and reason.startswith("call me at")
    long_reason, _ = validate_decline("x" * 900, by_supervisor=True)
    assert long_reason is not None and len(long_reason) == 500


def test_a_reassignment_needs_someone_a_supervisor_doing_it_and_a_supervisor_getting_it():
    assert validate_reassign(None, by_supervisor=True, assignee_supervisor=None) == {"assignee": "Pick the supervisor to hand this case to."}
    assert validate_reassign(OTHER, by_supervisor=False, assignee_supervisor=None) == {"assignee": "Only supervisors can reassign handoffs."}
    assert "not one of the supervisors" in validate_reassign(AGENT, by_supervisor=True, assignee_supervisor=False)["assignee"]
    assert validate_reassign(OTHER, by_supervisor=True, assignee_supervisor=True) == {}


def test_a_resolution_reports_each_wrong_field_at_once():
    resolution, problems = validate_resolution("  ", "abc", "weather", False, ("billing",))
    assert resolution is None
    assert set(problems) == {"resolution", "cost", "root_cause"}
    fine, none = validate_resolution("Sent a replacement to 4111 1111 1111 1111", "", "", False, ("billing",))
    assert none == {} and fine is not None and "4111 1111" not in fine.resolution
    assert (fine.cost, fine.root_cause, fine.follow_up) == ("", "", False)


# ---- the SLA policy -----------------------------------------------------------------------------------


def _plan(h: Handoff | None, attempt: int, *, second_tier: str | None = "CTIER2", supervisors: str | None = "CSUPER"):
    return sla_plan(h, attempt, NOW, renotify_max=2, sla_minutes=15, supervisor_channel=supervisors, second_tier_channel=second_tier)


def test_an_open_handoff_is_reposted_then_sent_to_the_second_tier_then_left():
    h = _handoff("open")
    first, second, tier, past = (_plan(h, n) for n in (1, 2, 3, 4))
    assert (first.post, first.channel, first.next_timer) == ("repost", "CSUPER", (effects.sla(h.id, 2), NOW + 900))
    assert (second.post, second.next_timer) == ("repost", (effects.sla(h.id, 3), NOW + 900))
    assert (tier.post, tier.channel, tier.next_timer) == ("second_tier", "CTIER2", None)
    assert past is None


def test_without_a_second_tier_the_reposts_are_the_last_step():
    h = _handoff("open")
    assert _plan(h, 2, second_tier=None).next_timer is None
    assert _plan(h, 3, second_tier=None) is None


def test_without_a_supervisor_channel_the_clock_still_runs_but_nothing_is_posted():
    plan = _plan(_handoff("open"), 1, supervisors=None)
    assert plan is not None and plan.post is None and plan.next_timer is not None


@pytest.mark.parametrize("state", ["accepted", "declined", "resolved"])
def test_a_handoff_someone_dealt_with_is_not_chased(state):
    assert _plan(_handoff(state), 1) is None
    assert _plan(None, 1) is None


def test_a_repost_keeps_its_ts_and_takes_over_a_failed_first_post():
    h = _handoff("open", reposts=json.dumps(["9.1"]))
    assert repost_changes(h, 2, "9.2", "CSUPER") == {"renotified": "2", "reposts": json.dumps(["9.1", "9.2"]), "post_channel": "CSUPER"}
    posted = _handoff("open", post_channel="CSUPER", post_ts="8.0")
    assert repost_changes(posted, 1, "9.3", "CSUPER") == {"renotified": "1", "reposts": json.dumps(["9.3"])}
    assert repost_changes(posted, 1, None, "CSUPER") == {"renotified": "1"}


# ---- timer names ---------------------------------------------------------------------------------------


def test_timer_names_of_handoffs_and_threads_read_back_as_what_they_name():
    assert effects.parse(effects.sla("h1", 3)) == effects.Timer("sla", handoff_id="h1", attempt=3)
    assert effects.parse(effects.followup("h1")).handoff_id == "h1"
    thread = effects.parse(effects.recovery("C1", "123.456"))
    assert (thread.kind, thread.thread, thread.handoff_id) == ("recovery", ("C1", "123.456"), "")
    assert effects.parse("unattended|C1|5.5").thread == ("C1", "5.5")
    assert effects.parse("unattended|C1").thread is None
    assert effects.parse("mystery|x").kind == "mystery"
