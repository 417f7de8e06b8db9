"""Handoff steps shared by several Slack surfaces: opening the request modal, knowing who is a
supervisor, and showing a case post in its current state."""

from __future__ import annotations

import logging
import re

from bot.case import Case
from bot.handoff import LIVE_STATES, Handoff, prefill, thread_ref
from bot.handoff_blocks import case_post, existing_modal, handoff_modal
from shell.app import Runtime
from shell.gateway import Sent

log = logging.getLogger("deescalate.handoffs")

_HANDOFF_ID = re.compile(r"[0-9a-f]{12}")


NOT_YOURS = (
    "Only the thread's agents (people who have replied in it) and supervisors can hand it off or see its handoff. "
    "If you are helping with it, reply in the thread first."
)
SUPERVISOR_CHANNEL = "A handoff is for a customer thread; this one is in the supervisor channel itself."


async def open_handoff_modal(
    runtime: Runtime, trigger_id: str, channel: str, root_ts: str, user: str, note: str = "", *, response_url: str | None = None
) -> Sent:
    """Open the request modal for a thread (or the live handoff it already has) inside the 3-second trigger window.

    Only store reads happen before `views.open`; the permalink is fetched after submission. Someone who
    is neither one of the thread's agents nor a supervisor is told so privately and sees nothing of it.
    """
    problem = thread_problem(runtime, channel, root_ts)
    case = None if problem else await load_case(runtime, channel, root_ts)
    if problem is None and not await may_act_on(runtime, user, case):
        problem = NOT_YOURS
    if problem is not None:
        await refuse_privately(runtime, user, problem, response_url)
        return Sent(False, "not_allowed")
    existing = await live_handoff(runtime, channel, root_ts)
    if existing is not None:
        return await runtime.gateway.open_view(trigger_id, existing_modal(existing, runtime.clock()))
    view = handoff_modal(prefill(case, note), channel=channel, root_ts=root_ts, requested_by=user)
    return await runtime.gateway.open_view(trigger_id, view)


def thread_problem(runtime: Runtime, channel: str, root_ts: str) -> str | None:
    """Why a thread named in a request (a link, a button value, private_metadata) can't be handed off, if it can't."""
    if thread_ref(channel, root_ts) is None:
        return "That does not name a Slack thread; start the handoff again from the thread."
    if channel == runtime.config.supervisor_channel:
        return SUPERVISOR_CHANNEL
    return None


async def may_act_on(runtime: Runtime, user: str, case: Case | None) -> bool:
    """The rule `/deescalate status` applies: the thread's agents and supervisors may act on a thread."""
    if case is not None and case.open_to(user, supervisor=False):
        return True  # an agent of the thread: no need to ask who the supervisors are
    return await is_supervisor(runtime, user)


async def refuse_privately(runtime: Runtime, user: str, text: str, response_url: str | None) -> None:
    """A private no, through the interaction's response_url (works where the person can't see the channel)."""
    if response_url:
        await runtime.gateway.respond(response_url, {"response_type": "ephemeral", "replace_original": False, "text": text})
    else:
        await runtime.gateway.dm(user, text)


async def live_handoff(runtime: Runtime, channel: str, root_ts: str) -> Handoff | None:
    """The thread's open or accepted handoff, if it has one."""
    handoff_id = await runtime.store.thread_handoff(channel, root_ts)
    if not handoff_id:
        return None
    fields = await runtime.store.handoff(handoff_id)
    if not fields or fields.get("state") not in LIVE_STATES:
        return None
    return Handoff.from_fields(fields)


async def load_case(runtime: Runtime, channel: str, root_ts: str) -> Case | None:
    """The thread's record as a Case (None when the bot never saw the thread)."""
    # Read from the store, not this process's cache: a handoff is rare, and it must never copy a thread
    # another replica was told to forget into a new handoff.
    _, record = await runtime.store.load_thread(channel, root_ts)
    if not record:
        return None
    try:
        return Case.from_dict(record)
    except (KeyError, TypeError, ValueError):
        log.warning("thread record %s/%s could not be read; opening an empty handoff form", channel, root_ts)
        return None


async def is_supervisor(runtime: Runtime, user: str) -> bool:
    """Runtime.is_supervisor (kept here for the listeners that ask it by this name)."""
    return await runtime.is_supervisor(user)


def handoff_id_ok(handoff_id: str) -> bool:
    """A button value or private_metadata that has the shape of the ids the store gives handoffs."""
    return bool(_HANDOFF_ID.fullmatch(handoff_id or ""))


async def load_handoff(runtime: Runtime, handoff_id: str) -> Handoff | None:
    fields = await runtime.store.handoff(handoff_id) if handoff_id_ok(handoff_id) else None
    return Handoff.from_fields(fields) if fields else None


async def refresh_posts(runtime: Runtime, h: Handoff) -> None:
    """Show the handoff's current state on its case post and on every re-notify post."""
    if not h.post_channel:
        return
    text, blocks = case_post(h, runtime.clock())
    for ts in (h.post_ts, *h.reposts):
        if ts:
            await runtime.gateway.update(h.post_channel, ts, text, blocks)
    channel, _, ts = h.second_tier_post.partition("|")
    if channel and ts:
        await runtime.gateway.update(channel, ts, text, blocks)


async def tell_agent(runtime: Runtime, h: Handoff, text: str) -> Sent:
    """A private line to the requesting agent in the customer's thread."""
    return await runtime.gateway.post_ephemeral(h.channel, h.requested_by, text, thread_ts=h.root_ts)


async def refuse(runtime: Runtime, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
    """A private answer to someone whose click can't be honoured (not a supervisor, race lost)."""
    if channel:
        await runtime.gateway.post_ephemeral(channel, user, text, thread_ts=thread_ts)
    else:
        await runtime.gateway.dm(user, text)
