"""Modal submissions for handoffs: the agent's request, and the supervisors' decline, reassign and resolve.

Each submission is validated first and answered with `response_action: errors` when a field is
wrong (the modal stays open with the message under the field). State changes that can lose a race
(decline, reassign, resolve) run their atomic store transition *before* the ack, so a supervisor who
was too late sees why in the modal instead of a silent close. Slow work (posting, DMs) runs after it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.handoff import (
    TEXT_LIMIT,
    Handoff,
    audit,
    can,
    clip,
    followup_timer,
    handoff_fields,
    parse_cost,
    refusal,
    sla_timer,
    validate_request,
)
from bot.handoff_blocks import (
    ASSIGNEE,
    COST,
    ISSUE,
    REASON,
    RESOLUTION,
    ROOT_CAUSE,
    agent_notice,
    case_post,
    read_assignee,
    read_decline,
    read_request,
    read_resolution,
    supervisor_dm,
)
from bot.safety import redact
from handlers.app import Runtime
from handlers.handoff_flow import (
    NOT_YOURS,
    is_supervisor,
    load_case,
    load_handoff,
    may_act_on,
    refresh_posts,
    tell_agent,
    thread_problem,
)
from handlers.handoffs import cancel_sla

log = logging.getLogger("deescalate.handoffs")

# A view_submission must be answered within 3 s; saving gets most of that, the ack the rest.
SAVE_SECONDS = 2.0
NOT_SAVED = "I could not save this handoff just now (the bot's store is not answering). Nothing was sent; please submit again in a moment."
SLOW_SAVE = ("The bot's store is slow to answer, so I can't confirm this handoff yet. If it goes through you'll get a "
             "confirmation in the thread; if not, submit again in a moment.")


def register(app: Any, runtime: Runtime) -> None:
    @app.view(ids.HANDOFF_MODAL)
    async def request_submitted(ack: Any, body: dict, view: dict) -> None:
        channel, root_ts = _thread_of(view)
        user = _user(body)
        fields = read_request(_values(view))
        request, problems = validate_request(fields["issue"], fields["wanted"], fields["steps"], fields["severity"], fields["note"])
        if request is None:
            await ack(response_action="errors", errors=problems)  # keys are the block ids (issue, severity)
            return
        problem = thread_problem(runtime, channel, root_ts)
        if problem is not None:
            await ack(response_action="errors", errors={ISSUE: problem})
            return
        # Saved before the ack, so a store that does not answer is a form error the agent sees, not a
        # modal that closes on a handoff nobody will ever get.
        saving = asyncio.ensure_future(save_handoff(runtime, channel, root_ts, user, request))
        try:
            # Shielded: a save cut off half-way would leave a handoff without its queue entry.
            saved = await asyncio.wait_for(asyncio.shield(saving), SAVE_SECONDS)
        except asyncio.TimeoutError:
            runtime.metrics.store_errors.inc()
            log.error("handoff for %s/%s not saved within %.0f s; announcing it if the save completes", channel, root_ts, SAVE_SECONDS)
            runtime.spawn(_announce_when_saved(runtime, saving), "handoff_open")
            await ack(response_action="errors", errors={ISSUE: SLOW_SAVE})
            return
        except Exception as exc:
            runtime.metrics.store_errors.inc()
            log.error("handoff for %s/%s not saved: %s: %s", channel, root_ts, type(exc).__name__, exc)
            await ack(response_action="errors", errors={ISSUE: NOT_SAVED})
            return
        if saved is None:
            await ack(response_action="errors", errors={ISSUE: NOT_YOURS})
            return
        await ack()
        runtime.spawn(announce_handoff(runtime, saved), "handoff_open")

    @app.view(ids.DECLINE_MODAL)
    @_not_saved_is_a_form_error(runtime, REASON)
    async def decline_submitted(ack: Any, body: dict, view: dict) -> None:
        user, handoff_id = _user(body), view.get("private_metadata", "")
        reason = " ".join(read_decline(_values(view)).split())
        if not reason:
            await ack(response_action="errors", errors={REASON: "Give the agent a reason, so they know what to do next."})
            return
        if not await is_supervisor(runtime, user):
            await ack(response_action="errors", errors={REASON: "Only supervisors can decline handoffs."})
            return
        now = runtime.clock()
        reason = clip(redact(reason), 500)
        moved = await runtime.store.transition(
            handoff_id, ["open"], "declined",
            {"declined_by": user, "decline_reason": reason, "declined_at": f"{now:.3f}"},
            audit(user, "declined", now, reason=reason),
        )
        if moved.status != "ok":
            await ack(response_action="errors", errors={REASON: _too_late(moved.status, moved.before, "decline")})
            return
        await ack()
        runtime.spawn(after_decline(runtime, handoff_id, now), "handoff_decline")

    @app.view(ids.REASSIGN_MODAL)
    @_not_saved_is_a_form_error(runtime, ASSIGNEE)
    async def reassign_submitted(ack: Any, body: dict, view: dict) -> None:
        user, handoff_id = _user(body), view.get("private_metadata", "")
        assignee = read_assignee(_values(view))
        if not assignee:
            await ack(response_action="errors", errors={ASSIGNEE: "Pick the supervisor to hand this case to."})
            return
        if not await is_supervisor(runtime, user):
            await ack(response_action="errors", errors={ASSIGNEE: "Only supervisors can reassign handoffs."})
            return
        if not await is_supervisor(runtime, assignee):
            await ack(response_action="errors", errors={ASSIGNEE: "That person is not one of the supervisors; pick a supervisor."})
            return
        h = await load_handoff(runtime, handoff_id)
        if h is None or not can("reassign", h.state):
            await ack(response_action="errors", errors={ASSIGNEE: _too_late("missing" if h is None else "refused", h.extra if h else {}, "reassign")})
            return
        now = runtime.clock()
        # Reassigning keeps the state it found; a concurrent accept or decline makes this one refuse.
        moved = await runtime.store.transition(
            handoff_id, [h.state], h.state, {"assignee": assignee, "assigned_by": user}, audit(user, "reassigned", now, to=assignee)
        )
        if moved.status != "ok":
            await ack(response_action="errors", errors={ASSIGNEE: _too_late(moved.status, moved.before, "reassign")})
            return
        await ack()
        runtime.spawn(after_reassign(runtime, handoff_id, user, now), "handoff_reassign")

    @app.view(ids.RESOLVE_MODAL)
    @_not_saved_is_a_form_error(runtime, RESOLUTION)
    async def resolve_submitted(ack: Any, body: dict, view: dict) -> None:
        user, handoff_id = _user(body), view.get("private_metadata", "")
        form = read_resolution(_values(view))
        errors: dict[str, str] = {}
        resolution = clip(redact(form["resolution"].strip()), TEXT_LIMIT)
        if not resolution:
            errors[RESOLUTION] = "Say what was done, for the agent and for the reports."
        cost, problem = parse_cost(form["cost"])
        if problem:
            errors[COST] = problem
        if form["root_cause"] and form["root_cause"] not in runtime.config.root_causes:
            errors[ROOT_CAUSE] = "Pick one of the listed root causes."
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        h = await load_handoff(runtime, handoff_id)
        if h is None or not h.may_resolve(user):
            problem = "Only the supervisor working this case can resolve it." if h and h.state == "accepted" else _too_late(
                "missing" if h is None else "refused", h.extra if h else {}, "resolve")
            await ack(response_action="errors", errors={RESOLUTION: problem})
            return
        now = runtime.clock()
        changes = {
            "resolved_by": user, "resolved_at": f"{now:.3f}", "resolution": resolution,
            "root_cause": form["root_cause"], "cost": cost, "follow_up": "1" if form["follow_up"] else "0",
        }
        moved = await runtime.store.transition(
            handoff_id, ["accepted"], "resolved", changes,
            audit(user, "resolved", now, root_cause=form["root_cause"], cost=cost, follow_up=bool(form["follow_up"])),
        )
        if moved.status != "ok":
            await ack(response_action="errors", errors={RESOLUTION: _too_late(moved.status, moved.before, "resolve")})
            return
        await ack()
        runtime.spawn(after_resolve(runtime, handoff_id, now), "handoff_resolve")


@dataclass(frozen=True)
class Saved:
    """A handoff request as the store took it: a new handoff, or the live one the thread already had."""

    handoff_id: str
    created: bool
    channel: str
    root_ts: str
    user: str
    fields: dict[str, str]
    case: Any
    now: float


async def save_handoff(runtime: Runtime, channel: str, root_ts: str, user: str, request: Any) -> Saved | None:
    """Store the handoff (or find the live one); None when the submitter may not hand this thread off."""
    case = await load_case(runtime, channel, root_ts)
    if not await may_act_on(runtime, user, case):
        return None
    now = runtime.clock()
    fields = handoff_fields(case, request, channel=channel, root_ts=root_ts, requested_by=user, now=now)
    handoff_id, created = await runtime.store.create_handoff(channel, root_ts, fields, audit(user, "opened", now, severity=request.severity))
    return Saved(handoff_id, created, channel, root_ts, user, fields, case, now)


async def _announce_when_saved(runtime: Runtime, saving: "asyncio.Future[Saved | None]") -> None:
    """A save that outlived the submission's answer: announce it if it made a new handoff after all."""
    saved = await saving
    if saved is not None and saved.created:
        await announce_handoff(runtime, saved)


async def announce_handoff(runtime: Runtime, saved: Saved) -> None:
    """Post the case, start its SLA clock, link the thread, tell the agent (or show the live handoff it had)."""
    config, gateway, store = runtime.config, runtime.gateway, runtime.store
    channel, root_ts, user, now, handoff_id = saved.channel, saved.root_ts, saved.user, saved.now, saved.handoff_id
    if not saved.created:
        existing = await load_handoff(runtime, handoff_id)
        if existing is not None:
            await gateway.post_ephemeral(channel, user, agent_notice("exists", existing, now), thread_ts=root_ts)
        return
    permalink = await gateway.permalink(channel, root_ts) or ""
    if permalink:
        await store.update_handoff(handoff_id, {"permalink": permalink})
    h = Handoff.from_fields({**saved.fields, "permalink": permalink, "id": handoff_id, "state": "open"})
    runtime.metrics.handoffs.inc()
    runtime.metrics.handoff_events.labels(state="open").inc()
    await store.count({"handoffs": 1}, now)
    # The SLA clock starts even if the post fails: the re-notify posts are the retry.
    await store.schedule(sla_timer(handoff_id, 1), now + config.handoff_sla_minutes * 60)
    posted = None
    if config.supervisor_channel:
        text, blocks = case_post(h, now)
        posted = await gateway.post_message(config.supervisor_channel, text, blocks)
        if posted.ok:
            post_channel, post_ts = str(posted.data.get("channel") or config.supervisor_channel), str(posted.data.get("ts"))
            post_link = await gateway.permalink(post_channel, post_ts) or ""
            await store.update_handoff(handoff_id, {"post_channel": post_channel, "post_ts": post_ts, "post_permalink": post_link})
        else:
            await store.append_audit(handoff_id, audit("bot", "post_failed", now, error=posted.error))
    await runtime.update_thread(channel, root_ts, _link_thread(handoff_id, channel, root_ts, now))
    if posted is not None and not posted.ok:
        notice = (f"I saved your handoff but couldn't post it to the supervisor channel ({posted.reason}). "
                  "I'll keep trying on the reminder schedule; you may want to ping a supervisor directly.")
    else:
        notice = agent_notice("opened", h, now)
    await gateway.post_ephemeral(channel, user, notice, thread_ts=root_ts)
    if saved.case is not None:
        await _recovery(runtime, saved.case, user)


def _link_thread(handoff_id: str, channel: str, root_ts: str, now: float) -> Any:
    def change(record: dict | None) -> tuple[dict, None]:
        base = record or {"channel": channel, "root_ts": root_ts, "started_at": now}
        return {**base, "handoff_id": handoff_id}, None

    return change


async def _recovery(runtime: Runtime, case: Any, agent: str) -> None:
    # The whispers surface owns recovery nudges (and their once-an-hour guard); optional here.
    try:
        from handlers.events import send_recovery
    except ImportError:
        return
    await send_recovery(runtime, case, agent)


async def after_decline(runtime: Runtime, handoff_id: str, now: float) -> None:
    await cancel_sla(runtime, handoff_id)
    runtime.metrics.handoff_events.labels(state="declined").inc()
    await runtime.store.count({"handoff_declines": 1}, now)
    h = await load_handoff(runtime, handoff_id)
    if h is not None:
        await refresh_posts(runtime, h)
        await tell_agent(runtime, h, agent_notice("declined", h, now))


async def after_reassign(runtime: Runtime, handoff_id: str, by: str, now: float) -> None:
    runtime.metrics.handoff_events.labels(state="reassigned").inc()
    h = await load_handoff(runtime, handoff_id)
    if h is None or h.assignee is None:
        return
    await refresh_posts(runtime, h)
    text, blocks = supervisor_dm(h, now, reassigned_by=by)
    await runtime.gateway.dm(h.assignee, text, blocks)
    await tell_agent(runtime, h, agent_notice("reassigned", h, now))


async def after_resolve(runtime: Runtime, handoff_id: str, now: float) -> None:
    runtime.metrics.handoff_events.labels(state="resolved").inc()
    await runtime.store.count({"handoff_resolved": 1}, now)
    h = await load_handoff(runtime, handoff_id)
    if h is None:
        return
    if h.follow_up:
        await runtime.store.schedule(followup_timer(handoff_id), now + runtime.config.followup_hours * 3600)
    await refresh_posts(runtime, h)
    await tell_agent(runtime, h, agent_notice("resolved", h, now))


def _too_late(status: str, before: dict, action: str) -> str:
    return "That handoff is no longer on record." if status == "missing" else refusal(before, action)


def _not_saved_is_a_form_error(runtime: Runtime, field: str) -> Any:
    """A submission whose store work fails before its ack is answered with NOT_SAVED under `field`, not a Slack error."""

    def wrap(listener: Any) -> Any:
        async def guarded(ack: Any, body: dict, view: dict) -> None:
            acked = False

            async def tracked_ack(*args: Any, **kwargs: Any) -> None:
                nonlocal acked
                acked = True
                await ack(*args, **kwargs)

            try:
                await listener(tracked_ack, body, view)
            except Exception as exc:
                if acked:
                    raise
                runtime.metrics.store_errors.inc()
                log.error("%s not saved: %s: %s", view.get("callback_id"), type(exc).__name__, exc)
                await ack(response_action="errors", errors={field: NOT_SAVED.replace("this handoff", "this")})

        return guarded

    return wrap


def _thread_of(view: dict) -> tuple[str, str]:
    """(channel, root_ts) from the request modal's private_metadata "<channel>|<root_ts>|<requested_by>"."""
    parts = str(view.get("private_metadata") or "").split("|")
    return (parts[0], parts[1]) if len(parts) >= 2 else ("", "")


def _values(view: dict) -> dict:
    return (view.get("state") or {}).get("values") or {}


def _user(body: dict) -> str:
    return str((body.get("user") or {}).get("id") or "")

