"""The one module that talks to Redis: every key, its type and TTL are listed here.

Key schema (hash tags `{…}` keep every key of one thread, or of one handoff, in one Redis Cluster
slot, so the Lua scripts below stay valid on a cluster):

| key                              | type   | TTL                  | what                                              |
|----------------------------------|--------|----------------------|---------------------------------------------------|
| dx:ev:{<event_id>}               | string | 1 h                  | de-duplication of non-message events (SET NX)     |
| dx:{t:<channel>:<root_ts>}:rec   | hash   | thread TTL (14 d)    | thread record: `v` version, `d` JSON record       |
| dx:{t:<channel>:<root_ts>}:ev:<event_id> | string | 1 h         | de-duplication of message events, in the commit   |
| dx:{t:<channel>:<root_ts>}:handoff | string | retention          | id of the thread's current handoff (compare-and-set) |
| dx:{h:<id>}                      | hash   | retention (90 d)     | a handoff: state, people, times, JSON case        |
| dx:{h:<id>}:audit                | list   | retention            | JSON audit entries (who, what, when)              |
| dx:handoffs:open                 | zset   | none                 | open (not resolved/declined) handoff ids by time  |
| dx:handoffs:all                  | zset   | trimmed to retention | every handoff id by request time, for reports     |
| dx:timers                        | zset   | none                 | due timers `kind|id|n` scored by due time         |
| dx:stats:<YYYY-MM-DD>            | hash   | retention            | daily counters (whispers, handoffs, triggers…)*   |
| dx:once:<name>                   | string | caller's TTL         | "at most once per period" guards                  |
| dx:cache:<name>                  | string | caller's TTL         | small cached lookups (user groups)                |
| dx:agent:<user>:<YYYY-MM-DD>     | zset   | 2 d                  | threads an agent worked on that day (App Home)*   |
| dx:audit:forget                  | list   | retention            | JSON lines of `forget` runs: who, scope, counts   |

(*) Written behind: `count` and `note_agent_thread` add to an in-process buffer that `flush` writes in
one pipeline (the server flushes every second and on shutdown; readers of these keys flush first).
Customer text lives in two places only: the thread record (recent customer lines, agent steps,
quoted evidence) and a handoff's hash (issue, wanted outcome, steps, note, quoted triggers, decline
reason, resolution) plus its audit's decline reasons. `forget` (at the end of this module) removes them.

That keeps a message's work at one Redis round trip; a crashed process loses at most the last
second of counts and App Home entries, never a record, handoff or timer.

"One live handoff per thread" is the link key's compare-and-set (`_CLAIM`): a new handoff replaces the
link only if it still names what the caller saw there (nothing, or a handoff no longer live), so two
replicas submitting for one thread at once get one winner; the loser's hash is deleted unseen.

Nothing customer-typed reaches these keys unredacted: thread records, handoffs and audit entries
hold only text that went through bot.safety.redact() first (see README, "Security").

A message's state change is one round trip: the commit script de-duplicates the event, checks the
record's version (optimistic concurrency between replicas) and writes, all at once. Records are
cached per process so the read before the write is usually free; a stale cache shows up as a
version conflict and the caller recomputes from the fresh record the script returns.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("deescalate.store")

EVENT_TTL = 3600
AGENT_DAY_TTL = 2 * 86400
CACHE_SIZE = 20_000


def thread_tag(channel: str, root_ts: str) -> str:
    return f"{{t:{channel}:{root_ts}}}"


def _rec_key(channel: str, root_ts: str) -> str:
    return f"dx:{thread_tag(channel, root_ts)}:rec"


def _handoff_key(handoff_id: str) -> str:
    return f"dx:{{h:{handoff_id}}}"


OPEN_KEY = "dx:handoffs:open"
ALL_KEY = "dx:handoffs:all"
TIMERS_KEY = "dx:timers"

# KEYS: record hash, dedupe key.  ARGV: expected version, JSON record, ttl, use dedupe (0/1), dedupe ttl.
_COMMIT = """
if ARGV[4] == '1' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[5]) then return {'dup', 0, ''} end
end
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  if ARGV[4] == '1' then redis.call('DEL', KEYS[2]) end
  return {'conflict', v, redis.call('HGET', KEYS[1], 'd') or ''}
end
redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {'ok', v + 1, ''}
"""

# KEYS: handoff hash, audit list.  ARGV: allowed states (comma list), new state, audit JSON, ttl,
# then field/value pairs to set.  Returns {'ok'|'refused', state before, JSON of all fields before}.
_TRANSITION = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', '', ''} end
local before = redis.call('HGETALL', KEYS[1])
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == state then allowed = true end end
if not allowed then return {'refused', state, cjson.encode(before)} end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {'ok', state, cjson.encode(before)}
"""


# ---- one live handoff per thread (issue 15) ----------------------------------------------------------
# KEYS: the thread's handoff link.  ARGV: the id the caller saw there ('' for none), the new id, ttl.
# Sets the link only if it still holds what the caller saw; returns {'ok', new id} or {'taken', current id}.
_CLAIM = """
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return {'taken', current} end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return {'ok', ARGV[2]}
"""
_LIVE = frozenset({"open", "accepted"})
CLAIM_ATTEMPTS = 4


class StoreUnavailable(RuntimeError):
    """Redis did not answer; the caller acknowledges Slack anyway and counts the error."""


@dataclass(frozen=True)
class Commit:
    status: str  # "ok" | "duplicate" | "conflict"
    version: int
    record: dict[str, Any] | None  # the fresh record on conflict


@dataclass(frozen=True)
class Transition:
    status: str  # "ok" | "refused" | "missing"
    state_before: str
    before: dict[str, str]


def _pairs_to_dict(flat: list[Any]) -> dict[str, str]:
    return {str(flat[i]): str(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}


def _utf8(text: str) -> str:
    """Text Redis can store: a lone surrogate (broken UTF-16 in a customer's message) becomes "?"."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


class WriteBehind:
    """Counter increments and App Home entries waiting for the next flush (plain dicts, no I/O)."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}  # stats key -> counter -> amount
        self.agents: dict[str, dict[str, float]] = {}  # agent-day key -> "channel:root_ts" -> at

    def count(self, key: str, counters: Mapping[str, int]) -> None:
        row = self.counts.setdefault(key, {})
        for name, amount in counters.items():
            row[name] = row.get(name, 0) + amount

    def note(self, key: str, member: str, at: float) -> None:
        members = self.agents.setdefault(key, {})
        members[member] = max(at, members.get(member, at))

    def take(self) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
        counts, agents = self.counts, self.agents
        self.counts, self.agents = {}, {}
        return counts, agents

    def restore(self, counts: dict[str, dict[str, int]], agents: dict[str, dict[str, float]]) -> None:
        for key, row in counts.items():
            self.count(key, row)
        for key, members in agents.items():
            for member, at in members.items():
                self.note(key, member, at)


class Store:
    """Async access to Redis (or the embedded stand-in) for everything deescalate keeps."""

    def __init__(self, redis: Any, *, persistent: bool, thread_ttl: float, retention: float):
        self.redis = redis
        self.behind = WriteBehind()
        self.persistent = persistent
        self.thread_ttl = max(1, int(thread_ttl))
        self.retention = max(1, int(retention))
        self._cache: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._commit = redis.register_script(_COMMIT)
        self._transition = redis.register_script(_TRANSITION)
        self._forget_handoff = redis.register_script(_FORGET_HANDOFF)
        self._claim = redis.register_script(_CLAIM)

    @classmethod
    def connect(
        cls,
        url: str | None,
        *,
        thread_ttl_days: float = 14,
        retention_days: float = 90,
        max_connections: int = 64,
    ) -> "Store":
        """A Store on `url` through a blocking pool, or an embedded in-process store when url is None."""
        if url is None:
            import fakeredis

            client = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=True)
            log.warning("REDIS_URL is not set: using the embedded in-process store; state is not persistent")
            persistent = False
        else:
            from redis.asyncio import BlockingConnectionPool, Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import ExponentialBackoff
            from redis.exceptions import ConnectionError as RedisConnectionError
            from redis.exceptions import TimeoutError as RedisTimeoutError

            # A blocking pool waits for a free connection instead of raising "Too many connections"
            # under a burst, which would silently lose that event's work.
            pool = _waiting_pool_class(BlockingConnectionPool).from_url(
                url,
                max_connections=max_connections,
                timeout=5,
                socket_timeout=5,
                socket_connect_timeout=2,
                health_check_interval=15,
                decode_responses=True,
                # After Redis restarts, every pooled connection is dead: retry once or twice on a
                # fresh one instead of failing the first command on each (and losing that event).
                retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
                retry_on_error=[RedisConnectionError, RedisTimeoutError],
            )
            client = Redis(connection_pool=pool)
            persistent = True
        return cls(client, persistent=persistent, thread_ttl=thread_ttl_days * 86400, retention=retention_days * 86400)

    async def close(self) -> None:
        try:
            await self.flush()
        except Exception as exc:  # Redis already gone: the last second of counts is what we lose
            log.warning("could not write the last counters on shutdown: %s: %s", type(exc).__name__, exc)
        await self.redis.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except Exception:  # any failure means "not answering" for health checks
            return False

    # ---- events -------------------------------------------------------------------------

    async def first_delivery(self, event_id: str) -> bool:
        """True the first time an event id is seen (Slack retries unacknowledged events)."""
        return bool(await self.redis.set(f"dx:ev:{{{event_id}}}", "1", nx=True, ex=EVENT_TTL))

    # ---- thread records -------------------------------------------------------------------

    def cached_thread(self, channel: str, root_ts: str) -> tuple[int, dict[str, Any]] | None:
        hit = self._cache.get(_rec_key(channel, root_ts))
        return None if hit is None else (hit[0], hit[1])

    async def load_thread(self, channel: str, root_ts: str) -> tuple[int, dict[str, Any] | None]:
        """(version, record); version 0 and None for a thread never seen."""
        key = _rec_key(channel, root_ts)
        version, data = await self.redis.hmget(key, ["v", "d"])
        if version is None:
            return 0, None
        record = json.loads(data)
        self._remember(key, int(version), record)
        return int(version), record

    async def commit_thread(
        self, channel: str, root_ts: str, version: int, record: Mapping[str, Any], *, event_id: str | None = None
    ) -> Commit:
        """Write a thread record if nobody changed it since `version`; de-duplicate `event_id` at once."""
        key = _rec_key(channel, root_ts)
        dedupe = f"dx:{thread_tag(channel, root_ts)}:ev:{event_id}" if event_id else key
        payload = _utf8(json.dumps(record, separators=(",", ":"), ensure_ascii=False))
        status, new_version, data = await self._commit(
            keys=[key, dedupe],
            args=[version, payload, self.thread_ttl, "1" if event_id else "0", EVENT_TTL],
        )
        if status == "ok":
            self._remember(key, int(new_version), dict(record))
            return Commit("ok", int(new_version), None)
        if status == "dup":
            return Commit("duplicate", version, None)
        fresh = json.loads(data) if data else None
        if fresh is None:
            self._cache.pop(key, None)
        else:
            self._remember(key, int(new_version), fresh)
        return Commit("conflict", int(new_version), fresh)

    def _remember(self, key: str, version: int, record: dict[str, Any]) -> None:
        self._cache[key] = (version, record)
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # ---- handoffs --------------------------------------------------------------------------

    async def thread_handoff(self, channel: str, root_ts: str) -> str | None:
        return await self.redis.get(f"dx:{thread_tag(channel, root_ts)}:handoff")

    async def create_handoff(
        self, channel: str, root_ts: str, fields: Mapping[str, str], audit: Mapping[str, Any]
    ) -> tuple[str, bool]:
        """(handoff id, created). An open handoff already on the thread is returned instead of a second one.

        The hash is written first and the thread's link claimed after (`_CLAIM`), so a link always names
        a handoff that exists; a claim lost to another replica deletes the hash it wrote.
        """
        link = f"dx:{thread_tag(channel, root_ts)}:handoff"
        handoff_id = uuid.uuid4().hex[:12]
        key = _handoff_key(handoff_id)
        requested = float(fields.get("requested_at", time.time()))
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, mapping={**fields, "id": handoff_id, "state": "open"})
            pipe.expire(key, self.retention)
            pipe.rpush(f"{key}:audit", json.dumps(dict(audit)))
            pipe.expire(f"{key}:audit", self.retention)
            await pipe.execute()
        seen = await self.redis.get(link)
        for _ in range(CLAIM_ATTEMPTS):
            if seen is not None and await self.redis.hget(_handoff_key(seen), "state") in _LIVE:
                break
            status, current = await self._claim(keys=[link], args=[seen or "", handoff_id, self.retention])
            if status == "ok":
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.zadd(OPEN_KEY, {handoff_id: requested})
                    pipe.zadd(ALL_KEY, {handoff_id: requested})
                    pipe.zremrangebyscore(ALL_KEY, "-inf", requested - self.retention)
                    await pipe.execute()
                return handoff_id, True
            seen = current or None  # someone else claimed it meanwhile: is theirs live?
        await self.redis.delete(key, f"{key}:audit")
        return seen or handoff_id, False

    async def handoff(self, handoff_id: str) -> dict[str, str] | None:
        data = await self.redis.hgetall(_handoff_key(handoff_id))
        return data or None

    async def update_handoff(self, handoff_id: str, fields: Mapping[str, str]) -> None:
        """Set descriptive fields (message ts, permalink) that carry no state change."""
        await self.redis.hset(_handoff_key(handoff_id), mapping=dict(fields))

    async def transition(
        self,
        handoff_id: str,
        allowed: Iterable[str],
        to_state: str,
        fields: Mapping[str, str],
        audit: Mapping[str, Any],
    ) -> Transition:
        """Atomically move a handoff from one of `allowed` states to `to_state`; exactly one caller wins."""
        key = _handoff_key(handoff_id)
        args: list[Any] = [",".join(allowed), to_state, json.dumps(dict(audit)), self.retention]
        for name, value in fields.items():
            args += [name, value]
        status, state, before = await self._transition(keys=[key, f"{key}:audit"], args=args)
        before_dict = _pairs_to_dict(json.loads(before)) if before else {}
        if status == "ok" and to_state in {"resolved", "declined"}:
            await self.redis.zrem(OPEN_KEY, handoff_id)
        elif status == "ok" and to_state in {"open", "accepted"}:
            await self.redis.zadd(OPEN_KEY, {handoff_id: float(before_dict.get("requested_at", time.time()))})
        return Transition(status, state or "", before_dict)

    async def audit_trail(self, handoff_id: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in await self.redis.lrange(f"{_handoff_key(handoff_id)}:audit", 0, -1)]

    async def append_audit(self, handoff_id: str, entry: Mapping[str, Any]) -> None:
        await self.redis.rpush(f"{_handoff_key(handoff_id)}:audit", json.dumps(dict(entry)))

    async def open_handoffs(self, limit: int = 50) -> list[dict[str, str]]:
        ids = await self.redis.zrange(OPEN_KEY, 0, limit - 1)
        return await self._handoffs(ids)

    async def handoffs_since(self, since: float) -> list[dict[str, str]]:
        ids = await self.redis.zrangebyscore(ALL_KEY, since, "+inf")
        return await self._handoffs(ids)

    async def _handoffs(self, ids: list[str]) -> list[dict[str, str]]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for handoff_id in ids:
                pipe.hgetall(_handoff_key(handoff_id))
            rows = await pipe.execute()
        return [row for row in rows if row]

    # ---- timers ----------------------------------------------------------------------------

    async def schedule(self, timer: str, due: float) -> None:
        await self.redis.zadd(TIMERS_KEY, {timer: due})

    async def cancel(self, timer: str) -> None:
        await self.redis.zrem(TIMERS_KEY, timer)

    async def claim_due(self, now: float, limit: int = 20) -> list[str]:
        """Timers due by `now` that this caller won: ZREM succeeds for exactly one replica."""
        due = await self.redis.zrangebyscore(TIMERS_KEY, "-inf", now, start=0, num=limit)
        if not due:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for timer in due:
                pipe.zrem(TIMERS_KEY, timer)
            won = await pipe.execute()
        return [timer for timer, removed in zip(due, won) if removed]

    async def timers(self) -> list[tuple[str, float]]:
        return [(m, float(s)) for m, s in await self.redis.zrange(TIMERS_KEY, 0, -1, withscores=True)]

    # ---- counters, guards, caches ------------------------------------------------------------

    async def count(self, counters: Mapping[str, int], at: float | None = None) -> None:
        """Add to today's counters (whispers, handoffs, triggers:<name>, …); written by the next flush."""
        self.behind.count(f"dx:stats:{_day(time.time() if at is None else at)}", counters)

    async def flush(self) -> None:
        """Write the buffered counters and App Home entries in one pipeline (no-op when there are none)."""
        counts, agents = self.behind.take()
        if not counts and not agents:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, row in counts.items():
                    for name, amount in row.items():
                        pipe.hincrby(key, name, amount)
                    pipe.expire(key, self.retention)
                for key, members in agents.items():
                    pipe.zadd(key, members)
                    pipe.expire(key, AGENT_DAY_TTL)
                await pipe.execute()
        except BaseException:
            # Redis away or the flush cancelled: keep them for the next flush rather than lose them.
            self.behind.restore(counts, agents)
            raise

    async def daily_counters(self, days: int, now: float | None = None) -> dict[str, dict[str, int]]:
        """{day: {counter: value}} for the last `days` days, oldest first."""
        await self.flush()  # this process's own recent counts included
        now = time.time() if now is None else now
        names = [_day(now - 86400 * i) for i in range(days - 1, -1, -1)]
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(f"dx:stats:{name}")
            rows = await pipe.execute()
        return {name: {k: int(v) for k, v in row.items()} for name, row in zip(names, rows)}

    async def once(self, name: str, ttl: float) -> bool:
        """True for the first caller in `ttl` seconds (across replicas)."""
        return bool(await self.redis.set(f"dx:once:{name}", "1", nx=True, ex=max(1, int(ttl))))

    async def cached(self, name: str) -> Any:
        raw = await self.redis.get(f"dx:cache:{name}")
        return None if raw is None else json.loads(raw)

    async def cache(self, name: str, value: Any, ttl: float) -> None:
        await self.redis.set(f"dx:cache:{name}", json.dumps(value), ex=max(1, int(ttl)))

    async def note_agent_thread(self, user: str, channel: str, root_ts: str, at: float) -> None:
        self.behind.note(f"dx:agent:{user}:{_day(at)}", f"{channel}:{root_ts}", at)

    async def agent_threads(self, user: str, at: float) -> list[tuple[str, str]]:
        await self.flush()
        members = await self.redis.zrange(f"dx:agent:{user}:{_day(at)}", 0, -1)
        return [tuple(m.rsplit(":", 1)) for m in members]  # type: ignore[misc]

    # ---- forgetting (data deletion) ---------------------------------------------------------

    async def forget(self, scope: "ForgetScope", *, who: str, now: float | None = None) -> "Forgotten":
        """Delete what the bot keeps about a user, a channel or one thread; one audit line records it."""
        return await _forget(self, scope, who=who, now=time.time() if now is None else now)


# ---- forgetting: thread records, handoff text and quoting audit entries, by user/channel/thread ------
# Every key of one thread shares its hash tag and every key of one handoff its own, so each delete
# below touches one Redis Cluster slot; discovery is by SCAN (redis-py scans every node of a cluster
# client), never KEYS, so a large store is walked in small steps. Daily counters stay: they hold no text.

FORGET_AUDIT_KEY = "dx:audit:forget"
FORGET_AUDIT_MAX = 10_000
_SCAN_COUNT = 500
# Handoff fields that hold what the customer or agent wrote (or who the customer is).
_HANDOFF_TEXT = ("issue", "wanted", "steps", "note", "triggers", "decline_reason", "resolution", "customer", "permalink")
# KEYS: handoff hash, audit list.  ARGV: forgotten_at, then the hash fields to delete.  Audit detail
# that quotes typed text (a decline's reason) is dropped; the entry keeps who/what/when. Returns how
# many entries lost a quote.
_FORGET_HANDOFF = """
local n = 0
for i = 0, redis.call('LLEN', KEYS[2]) - 1 do
  local ok, entry = pcall(cjson.decode, redis.call('LINDEX', KEYS[2], i))
  if ok and type(entry) == 'table' and (entry.reason ~= nil or entry.note ~= nil or entry.text ~= nil) then
    entry.reason = nil
    entry.note = nil
    entry.text = nil
    entry.forgotten = true
    redis.call('LSET', KEYS[2], i, cjson.encode(entry))
    n = n + 1
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
  redis.call('HSET', KEYS[1], 'forgotten_at', ARGV[1])
end
return n
"""


@dataclass(frozen=True)
class ForgetScope:
    """Exactly one of: a user id, a channel id, or one thread (channel, root_ts)."""

    user: str | None = None
    channel: str | None = None
    thread: tuple[str, str] | None = None

    def describe(self) -> tuple[str, str]:
        """(scope name, target) for the audit line: ids only, never text."""
        if self.user:
            return "user", self.user
        if self.channel:
            return "channel", self.channel
        assert self.thread is not None
        return "thread", f"{self.thread[0]}/{self.thread[1]}"


@dataclass(frozen=True)
class Forgotten:
    threads: int  # thread records deleted
    handoffs: int  # handoffs whose text was removed (their state and times stay for the counts)
    audit_entries: int  # audit entries whose quoted text was removed
    timers: int  # thread timers (recovery, unattended) cancelled


async def _scan(redis: Any, pattern: str) -> list[str]:
    return [key async for key in redis.scan_iter(match=pattern, count=_SCAN_COUNT)]


def _thread_of_key(key: str) -> tuple[str, str] | None:
    """(channel, root_ts) of a `dx:{t:<channel>:<root_ts>}…` key."""
    if not key.startswith("dx:{t:") or "}" not in key:
        return None
    channel, _, root_ts = key[len("dx:{t:"): key.index("}")].partition(":")
    return (channel, root_ts) if channel and root_ts else None


async def _threads_of_user(store: Store, user: str) -> set[tuple[str, str]]:
    """Threads whose record names the user as the customer or one of the agents."""
    found: set[tuple[str, str]] = set()
    keys = await _scan(store.redis, "dx:{t:*}:rec")
    for start in range(0, len(keys), _SCAN_COUNT):
        batch = keys[start: start + _SCAN_COUNT]
        async with store.redis.pipeline(transaction=False) as pipe:
            for key in batch:
                pipe.hget(key, "d")
            rows = await pipe.execute()
        for key, data in zip(batch, rows):
            try:
                record = json.loads(data) if data else {}
            except ValueError:
                continue
            if record.get("customer") == user or user in (record.get("agents") or []):
                thread = _thread_of_key(key)
                if thread:
                    found.add(thread)
    return found


async def _forget(store: Store, scope: ForgetScope, *, who: str, now: float) -> Forgotten:
    redis = store.redis
    await store.flush()  # buffered App Home entries must not land after the deletion
    # 1. the threads in scope, and every key of theirs found so far
    thread_keys: dict[tuple[str, str], set[str]] = {}
    if scope.thread:
        thread_keys[scope.thread] = set(await _scan(redis, f"dx:{thread_tag(*scope.thread)}:*"))
    elif scope.channel:
        for key in await _scan(redis, f"dx:{{t:{scope.channel}:*"):
            thread = _thread_of_key(key)
            if thread and thread[0] == scope.channel:
                thread_keys.setdefault(thread, set()).add(key)
    else:
        for thread in await _threads_of_user(store, scope.user or ""):
            thread_keys[thread] = set()
    # 2. the handoffs in scope: on those threads, in that channel, or naming the user
    handoff_ids: list[str] = []
    hashes = await _scan(redis, "dx:{h:*}")
    async with redis.pipeline(transaction=False) as pipe:
        for key in hashes:
            pipe.hmget(key, ["channel", "root_ts", "customer", "agent", "requested_by"])
        rows = await pipe.execute() if hashes else []
    for key, (channel, root_ts, customer, agent, requested_by) in zip(hashes, rows):
        if ((channel, root_ts) in thread_keys or (scope.channel and channel == scope.channel)
                or (scope.user and scope.user in (customer, agent, requested_by))):
            handoff_ids.append(key[len("dx:{h:"):-1])
            if channel and root_ts:
                thread_keys.setdefault((channel, root_ts), set())
    # 3. delete each thread's keys (one slot per thread)
    threads = 0
    for (channel, root_ts), keys in thread_keys.items():
        tag = thread_tag(channel, root_ts)
        keys |= {f"dx:{tag}:rec", f"dx:{tag}:handoff"}
        async with redis.pipeline(transaction=False) as pipe:
            pipe.exists(f"dx:{tag}:rec")
            pipe.delete(*sorted(keys))
            existed, _ = await pipe.execute()
        threads += int(existed)
        store._cache.pop(_rec_key(channel, root_ts), None)
    # 4. strip the handoffs' text and the audit entries' quotes: one script per handoff (one slot),
    #    atomic against a supervisor's click appending to the same audit trail
    audit_entries = 0
    for handoff_id in handoff_ids:
        key = _handoff_key(handoff_id)
        audit_entries += int(await store._forget_handoff(keys=[key, f"{key}:audit"], args=[f"{now:.3f}", *_HANDOFF_TEXT]))
    # 5. the threads' timers, and App Home's per-agent lists (global keys, touched one by one)
    timers = 0
    for timer in await redis.zrange(TIMERS_KEY, 0, -1):
        parts = timer.split("|")
        if len(parts) == 3 and ((parts[1], parts[2]) in thread_keys or (scope.channel and parts[1] == scope.channel)):
            timers += int(await redis.zrem(TIMERS_KEY, timer))
    members = [f"{channel}:{root_ts}" for channel, root_ts in thread_keys]
    for key in await _scan(redis, "dx:agent:*"):
        if scope.user and key.startswith(f"dx:agent:{scope.user}:"):
            await redis.delete(key)
        elif members:
            await redis.zrem(key, *members)
    if scope.user:  # the per-agent boundary counter names the person; the team totals stay
        for key in await _scan(redis, "dx:stats:*"):
            await redis.hdel(key, f"boundary:{scope.user}")
    result = Forgotten(threads=threads, handoffs=len(handoff_ids), audit_entries=audit_entries, timers=timers)
    what, target = scope.describe()
    line = {"at": round(now, 3), "who": who, "what": "forget", "scope": what, "target": target,
            "threads": result.threads, "handoffs": result.handoffs, "audit_entries": result.audit_entries}
    async with redis.pipeline(transaction=False) as pipe:
        pipe.rpush(FORGET_AUDIT_KEY, json.dumps(line))
        pipe.ltrim(FORGET_AUDIT_KEY, -FORGET_AUDIT_MAX, -1)
        pipe.expire(FORGET_AUDIT_KEY, store.retention)
        await pipe.execute()
    log.info("forgot %s %s for %s: %d thread records, %d handoffs, %d audit quotes",
             what, target, who, result.threads, result.handoffs, result.audit_entries)
    return result


async def forget_log(store: Store) -> list[dict[str, Any]]:
    """The audit lines of past `forget` runs, oldest first."""
    return [json.loads(x) for x in await store.redis.lrange(FORGET_AUDIT_KEY, 0, -1)]


def _waiting_pool_class(blocking: type) -> type:
    """redis-py's BlockingConnectionPool with a fast path: an idle connection is taken at once.

    The blocking pool queues every command on a condition and a timeout (~40 µs a command, a few
    percent of a message's CPU) even when connections sit idle; only a pool at its limit has to wait.
    """

    class WaitingPool(blocking):  # type: ignore[misc, valid-type]
        async def get_connection(self, command_name=None, *keys, **options):  # noqa: ANN001, ANN201
            if not self._available_connections:
                return await super().get_connection()
            connection = self._available_connections.pop()
            self._in_use_connections.add(connection)
            try:
                await self.ensure_connection(connection)  # reconnects a connection Redis dropped
            except BaseException:
                await self.release(connection)
                raise
            return connection

    return WaitingPool
