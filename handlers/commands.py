"""`/deescalate`: fast answers go in the ack; anything that reads the store answers via response_url."""

from __future__ import annotations

import logging
from typing import Any

from bot import commands as cmd
from bot import ids
from bot.case import Case
from bot.report import build_stats

log = logging.getLogger("deescalate.commands")

SORRY = "Sorry, I couldn't look that up just now. Please try again in a moment."


def register(app, runtime) -> None:  # noqa: ANN001
    @app.command(cmd.COMMAND)
    async def on_command(ack, body: dict) -> None:  # noqa: ANN001
        request = cmd.parse(body.get("text", ""))
        user = body.get("user_id", "")
        response_url = body.get("response_url", "")
        if isinstance(request, cmd.Help):
            await ack(**cmd.help_message())
        elif isinstance(request, cmd.BadCommand):
            await ack(**cmd.bad_command_message(request))
        elif isinstance(request, cmd.Phrases):
            await ack(**phrases_answer(runtime, request, ()))
        elif isinstance(request, cmd.Check):
            await ack(**check_answer(runtime, request.draft))
        elif isinstance(request, cmd.Handoff):
            await ack()
            # views.open must follow the ack within Slack's 3-second trigger window: no spawn here.
            from handlers.handoff_flow import open_handoff_modal

            link = request.link
            await open_handoff_modal(
                runtime, body.get("trigger_id", ""), link.channel, link.root_ts, user, request.note, response_url=response_url
            )
        else:
            await ack()
            runtime.spawn(_answer_later(runtime, request, user, response_url), name="command")

    @app.action(ids.PHRASES_ANOTHER)
    async def on_another(ack, body: dict) -> None:  # noqa: ANN001
        await ack()
        action = (body.get("actions") or [{}])[0]
        decoded = cmd.decode_another(str(action.get("value", "")))
        response_url = body.get("response_url")
        if decoded is None or not response_url:
            return
        request, shown = decoded
        answer = {**phrases_answer(runtime, request, shown), "replace_original": True}
        runtime.spawn(runtime.gateway.respond(response_url, answer), name="command:another")


def phrases_answer(runtime: Any, request: cmd.Phrases, shown: tuple[str, ...]) -> dict[str, Any]:
    suggestion, before = cmd.next_phrasings(runtime.book, request, shown)
    return cmd.phrases_message(suggestion, request, before)


def check_answer(runtime: Any, draft: str) -> dict[str, Any]:
    from bot.detector import score
    from phrasebook import coach, rewrite

    reading = score(draft, language=runtime.config.language)
    return cmd.check_message(draft, coach(runtime.book, draft), rewrite(runtime.book, draft), reading)


async def _answer_later(runtime: Any, request: cmd.Request, user: str, response_url: str) -> None:
    try:
        answer = await _slow_answer(runtime, request, user)
    except Exception:
        log.exception("command %s failed", type(request).__name__)
        answer = cmd.refusal_message(SORRY)
    await runtime.gateway.respond(response_url, answer)


async def _slow_answer(runtime: Any, request: cmd.Request, user: str) -> dict[str, Any]:
    from handlers.handoff_flow import is_supervisor

    now = runtime.clock()
    if isinstance(request, cmd.Status):
        link = request.link
        _, record = await runtime.store.load_thread(link.channel, link.root_ts)
        supervisor = await is_supervisor(runtime, user)
        if record is None:
            return cmd.unknown_thread_message()
        case = Case.from_dict(record)
        if user not in case.agents and not supervisor:
            return cmd.refusal_message("Only the thread's agents and supervisors can see its status.")
        handoff_id = case.handoff_id or await runtime.store.thread_handoff(link.channel, link.root_ts)
        handoff = await runtime.store.handoff(handoff_id) if handoff_id else None
        return cmd.status_message(case, handoff, link, now)
    if isinstance(request, cmd.Handoffs):
        if not await is_supervisor(runtime, user):
            return cmd.refusal_message("The handoff queue is for supervisors. To hand a thread over, use `/deescalate handoff <thread link>`.")
        return cmd.handoffs_message(await runtime.store.open_handoffs(), now)
    if isinstance(request, cmd.StatsRequest):
        supervisor = await is_supervisor(runtime, user)
        counters = await runtime.store.daily_counters(request.days, now)
        handoffs = await runtime.store.handoffs_since(now - request.days * 86400)
        return cmd.stats_message(build_stats(counters, handoffs, days=request.days), supervisor=supervisor)
    if isinstance(request, cmd.Forget):
        if not await is_supervisor(runtime, user):
            return cmd.refusal_message("Only supervisors can make the bot forget data.")
        from bot.forget import summary

        result = await runtime.store.forget(request.scope, who=user, now=now)
        return cmd.forget_message(summary(request.scope, result))
    return cmd.bad_command_message(cmd.BadCommand("That subcommand has no answer yet."))
