"""`deescalate replay PATH`: run past conversations through the live bot, offline, and show what it would do.

The real app (handlers.app.build_runtime) runs with the embedded store on a loopback port; a
recorder (handlers.replay_slack) stands where Slack's Web API would be. Each message goes in as a
signed Events API request, the bot's clock set to the message's own time so cooldowns behave as
they did; after it the thread record gives the level and the recorder the whispers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import logging

import aiohttp

from bot import ids
from bot.config import Config, People
from bot.vocabulary import level_index
from handlers.replay_input import ReplayMessage, ReplayThread
from handlers.replay_slack import BOT_USER, TEAM, RecordedCall, WebApiRecorder

log = logging.getLogger("deescalate.replay")
SUPERVISOR = "UREPLAYSUP"
SUPERVISOR_CHANNEL = "CREPLAYSUP"
QUIET_TIMEOUT = 10.0


@dataclass
class Whisper:
    to: str  # display name of the agent
    text: str  # the whisper's fallback text
    lines: list[str]  # the phrasings or sections it showed
    kind: str | None = None  # the phrasebook kind of a whisper
    offers_handoff: bool = False
    tip: bool = False  # a wording tip on the agent's own message, not a suggestion of words
    why: str = ""  # the whisper's "Why:" line, as plain text


@dataclass
class Step:
    message: ReplayMessage
    level: str | None  # thread level after this message (None: the bot kept no record)
    whispers: list[Whisper] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)  # non-private messages the bot posted (alerts)
    handoff_suggested: bool = False
    abuse_events: int = 0


@dataclass
class ThreadResult:
    thread: ReplayThread
    steps: list[Step]
    peak_level: str = "calm"
    flags: list[str] = field(default_factory=list)
    boundary_step: int = 0

    @property
    def flagged(self) -> bool:
        return level_index(self.peak_level) >= level_index("tense")

    @property
    def whispers(self) -> int:
        return sum(1 for s in self.steps for w in s.whispers if not w.tip)

    @property
    def tips(self) -> int:
        return sum(1 for s in self.steps for w in s.whispers if w.tip)


@dataclass(frozen=True)
class Totals:
    threads: int
    messages: int
    flagged: int
    whispers: int
    whispers_per_thread: float
    wording_tips: int
    abuse_events: int
    handoff_suggestions: int


def totals(results: Sequence[ThreadResult]) -> Totals:
    whispers = sum(r.whispers for r in results)
    return Totals(
        threads=len(results),
        messages=sum(len(r.steps) for r in results),
        flagged=sum(1 for r in results if r.flagged),
        whispers=whispers,
        whispers_per_thread=round(whispers / len(results), 2) if results else 0.0,
        wording_tips=sum(r.tips for r in results),
        abuse_events=sum(s.abuse_events for r in results for s in r.steps),
        handoff_suggestions=sum(1 for r in results for s in r.steps if s.handoff_suggested),
    )


def _sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class _Identities:
    """Stable stand-in ids: the same person in the same role is one user; no real ids reach the bot."""

    def __init__(self) -> None:
        self.users: dict[tuple[str, str], str] = {}
        self.names: dict[str, str] = {}
        self.channels: dict[tuple[str, str], str] = {}
        self.used_ts: dict[str, set[str]] = {}

    def user(self, name: str, role: str) -> str:
        key = (name, role)
        if key not in self.users:
            self.users[key] = f"U{'A' if role == 'agent' else 'C'}{len(self.users) + 1:06d}"
            self.names[self.users[key]] = name
        return self.users[key]

    def channel(self, thread: ReplayThread) -> str:
        key = (thread.source, thread.channel)
        if key not in self.channels:
            self.channels[key] = f"CREPLAY{len(self.channels) + 1:04d}"
        return self.channels[key]

    def ts(self, channel: str, seconds: float) -> str:
        """A Slack ts for this time, unique in the channel (two lines in the same microsecond happen)."""
        used = self.used_ts.setdefault(channel, set())
        micros = int(round(seconds * 1_000_000))
        while (text := f"{micros // 1_000_000}.{micros % 1_000_000:06d}") in used:
            micros += 1
        used.add(text)
        return text


class Replayer:
    """One bot, started once, replaying any number of threads through signed events."""

    def __init__(self, config: Config, threads: Sequence[ReplayThread]):
        self.identities = _Identities()
        agents = frozenset(self.identities.user(m.user, m.role) for t in threads for m in t.messages if m.role == "agent")
        for thread in threads:
            for message in thread.messages:
                self.identities.user(message.user, message.role)
        self.recorder = WebApiRecorder(self.identities.names)
        self.secret = secrets.token_hex(16)
        self.base_config = config
        self.agents = agents
        self.now = time.time()
        self.serial = 0

    async def __aenter__(self) -> "Replayer":
        from handlers import server
        from handlers.app import build_runtime

        await self.recorder.start()
        config = dataclasses.replace(
            self.base_config,
            bot_token="xoxb-replay",
            signing_secret=self.secret,
            app_token=None,
            api_url=self.recorder.api_url,
            redis_url=None,
            supervisor_channel=SUPERVISOR_CHANNEL,
            supervisors=People(frozenset({SUPERVISOR})),
            support_channels=frozenset(),
            agents=People(self.agents) if self.agents else People(),
            timer_poll_seconds=0.02,
        )
        self.runtime = build_runtime(config)
        self.runtime.clock = lambda: self.now
        self.runner, port = await server.start(self.runtime, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{port}/slack/events"
        # force_close: a kept-alive connection would leave a server task running and "quiet" never comes.
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()
        await self.runner.cleanup()
        await self.recorder.stop()

    async def replay(self, thread: ReplayThread) -> ThreadResult:
        from bot.case import Case

        channel = self.identities.channel(thread)
        steps: list[Step] = []
        root_ts: str | None = None
        case = None
        for message in thread.messages:
            ts = self.identities.ts(channel, message.ts)
            root_ts = root_ts or ts
            self.now = message.ts
            await self._timers_after(steps)
            before_calls = len(self.recorder.calls)
            before_abuse = await self._abuse_count()
            before = case
            await self._post(channel, self.identities.user(message.user, message.role), message.text, ts, None if ts == root_ts else root_ts)
            _, record = await self.runtime.store.load_thread(channel, root_ts)
            case = Case.from_dict(record) if record else None
            new_calls = self.recorder.calls[before_calls:]
            step = Step(message, case.level if case else None)
            step.abuse_events = max(0, await self._abuse_count() - before_abuse)
            step.whispers = self._whispers(new_calls, before, case)
            step.posts = [self._readable(str(c.params.get("text", ""))) for c in new_calls if c.method == "chat.postMessage"]
            newly_step_three = case is not None and case.boundary_step >= 3 and (before is None or before.boundary_step < 3)
            step.handoff_suggested = newly_step_three or any(
                w.offers_handoff or w.kind == "escalation" for w in step.whispers
            )
            steps.append(step)
        if steps:
            # Let the "nobody has answered yet" grace run out after the last message, as it would live.
            self.now = max(self.now, steps[-1].message.ts + self.runtime.config.unattended_minutes * 60 + 1)
            await self._timers_after(steps)
        result = ThreadResult(thread, steps)
        if case is not None:
            result.peak_level, result.flags, result.boundary_step = case.peak_level, list(case.flags), case.boundary_step
        return result

    def _readable(self, text: str) -> str:
        """Slack markup as a reader of the replay knows it: <#C…> by the replayed channel's name, <@U…> by name."""
        names = {cid: f"#{name}" if name else "the replayed channel" for (_, name), cid in self.identities.channels.items()}

        def one(match: re.Match[str]) -> str:
            sigil, ref = match.group(1), match.group(2)
            if sigil == "#":
                return names.get(ref, f"#{ref}")
            return f"@{self.identities.names.get(ref, ref)}"

        return _MARKUP.sub(one, text)

    def _whispers(self, calls: Sequence[RecordedCall], before: Any, after: Any) -> list[Whisper]:
        sent = [c for c in calls if c.method == "chat.postEphemeral"]
        notes: list[dict] = []
        if after is not None:
            count = after.whisper_count - (before.whisper_count if before is not None else 0)
            notes = after.whispers[-count:] if count > 0 else []
        whispers = []
        for call in sent:
            blocks = call.params.get("blocks") or []
            # Suggestions carry "Another suggestion"; wording tips and other private notes do not.
            suggestion = _has_action(blocks, ids.WHISPER_ANOTHER)
            user = str(call.params.get("user", ""))
            text = str(call.params.get("text", ""))
            whispers.append(
                Whisper(
                    to=self.identities.names.get(user, user),
                    # The printer labels a tip already; the notification's own "Wording tip:" would say it twice.
                    text=text if suggestion else _unlabelled(text),
                    lines=_block_lines(blocks),
                    kind=notes.pop(0).get("kind") if suggestion and notes else None,
                    offers_handoff=_has_action(blocks, ids.START_HANDOFF),
                    tip=not suggestion,
                    why=_why(blocks),
                )
            )
        return whispers

    async def _abuse_count(self) -> int:
        day = await self.runtime.store.daily_counters(1, self.now)
        return sum(row.get("abuse_events", 0) for row in day.values())

    async def _timers_after(self, steps: list[Step]) -> None:
        """Run the timers due by now; what they post (an unattended alert) follows the message before."""
        before = len(self.recorder.calls)
        await self._run_due_timers()
        if steps:
            steps[-1].posts += [
                self._readable(str(c.params.get("text", "")))
                for c in self.recorder.calls[before:]
                if c.method == "chat.postMessage" and c.params.get("channel") == SUPERVISOR_CHANNEL
            ]

    async def _run_due_timers(self) -> None:
        # The timer loop polls on its own; wait until what is due at the new "now" was claimed and done.
        deadline = asyncio.get_running_loop().time() + 2
        while any(due <= self.now for _, due in await self.runtime.store.timers()):
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.01)
        while any(not t.done() and not t.get_name().startswith("loop:") for t in self.runtime.background):
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.005)

    async def _post(self, channel: str, user: str, text: str, ts: str, thread_ts: str | None) -> None:
        self.serial += 1
        event: dict[str, Any] = {
            "type": "message", "channel": channel, "channel_type": "channel", "user": user, "text": text,
            "ts": ts, "event_ts": ts, "team": TEAM,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        envelope = {
            "token": "replay", "team_id": TEAM, "api_app_id": "AREPLAY", "type": "event_callback", "event": event,
            "event_id": f"EvREPLAY{self.serial:08d}", "event_time": int(float(ts)),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}],
        }
        body = json.dumps(envelope).encode()
        stamp = str(int(time.time()))  # Bolt checks the signature's age against the real clock
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": _sign(self.secret, stamp, body),
        }
        baseline = set(asyncio.all_tasks())
        async with self.session.post(self.url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"the bot refused a replayed event with HTTP {response.status}")
        await self._quiet(baseline)

    async def _quiet(self, baseline: set[asyncio.Task]) -> None:
        """Wait until every task started since `baseline` (listeners, whispers, Slack calls) is done."""
        me = asyncio.current_task()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUIET_TIMEOUT
        while loop.time() < deadline:
            busy = [t for t in asyncio.all_tasks() if t is not me and t not in baseline and not t.done() and not _connection(t)]
            if not busy:
                return
            await asyncio.sleep(0.002)
        log.warning("replay: work still running after %ss: %s", QUIET_TIMEOUT, [_name(t) for t in busy])


def _name(task: asyncio.Task) -> str:
    return getattr(task.get_coro(), "__qualname__", task.get_name())


def _connection(task: asyncio.Task) -> bool:
    # An HTTP server's per-connection task may idle in keep-alive; the work it serves is awaited by
    # the client task that made the request, which is tracked.
    return _name(task) in _CONNECTION_TASKS


_CONNECTION_TASKS = {"RequestHandler.start", "BaseProtocol._drain_helper"}


_MARKUP = re.compile(r"<([#@])([A-Z0-9]+)(?:\|[^>]*)?>")


def _unlabelled(text: str) -> str:
    """A private note's text without the label it opens with in a notification ("Wording tip: …")."""
    label, sep, rest = text.partition(": ")
    return rest if sep and label.lower() in _LABELS else text


_LABELS = {"wording tip"}


def _block_lines(blocks: Sequence[Any]) -> list[str]:
    """The section texts of a private message: the phrasings of a whisper, the findings of a tip."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "section":
            text = block.get("text")
            if isinstance(text, dict) and text.get("text"):
                lines.append(str(text["text"]).lstrip("> ").replace("\n", " "))
    return lines


def _why(blocks: Sequence[Any]) -> str:
    """The whisper's "Why:" context line, markup taken off for a terminal."""
    import html

    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "context":
            for element in block.get("elements", []) or []:
                text = str(element.get("text", "")) if isinstance(element, dict) else ""
                if text.startswith("*Why:*"):
                    return html.unescape(text.replace("*Why:*", "Why:", 1))
    return ""


def _has_action(blocks: Sequence[Any], action_id: str) -> bool:
    for block in blocks:
        if isinstance(block, dict):
            for element in block.get("elements", []) or []:
                if isinstance(element, dict) and element.get("action_id") == action_id:
                    return True
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("action_id") == action_id:
                return True
    return False


async def replay_threads(
    config: Config, threads: Sequence[ReplayThread], progress: Callable[[int], None] | None = None
) -> list[ThreadResult]:
    """Replay every thread through one bot; `progress(n)` after each thread."""
    results = []
    async with Replayer(config, threads) as replayer:
        for n, thread in enumerate(threads, start=1):
            results.append(await replayer.replay(thread))
            if progress is not None:
                progress(n)
    return results
