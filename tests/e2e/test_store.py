"""The store on both back ends: optimistic concurrency, de-duplication, atomic transitions, timers claimed once."""

from __future__ import annotations

import asyncio
import time

import pytest

from shell.store import Store
from tests.support.round_trips import RoundTrips


@pytest.fixture(params=["embedded", "redis"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


def _run(coro):  # noqa: ANN001, ANN202
    return asyncio.run(coro)


def test_concurrent_updates_of_one_thread_lose_nothing(store_url: str | None) -> None:
    async def scenario() -> list[int]:
        # two "replicas" (separate caches, one Redis) hammering the same thread
        first = Store.connect(store_url)
        second = first if store_url is None else Store.connect(store_url)

        async def add(store: Store, n: int) -> None:
            version, record = await store.load_thread("C1", "100.1")
            for _ in range(200):
                new = {"seen": sorted([*(record or {}).get("seen", []), n])}
                commit = await store.commit_thread("C1", "100.1", version, new, event_id=f"Ev{n}")
                if commit.status != "conflict":
                    return
                version, record = commit.version, commit.record
            raise AssertionError("never committed")

        await asyncio.gather(*(add(first if n % 2 else second, n) for n in range(64)))
        _, record = await Store.connect(store_url).load_thread("C1", "100.1") if store_url else await first.load_thread("C1", "100.1")
        return record["seen"]

    assert _run(scenario()) == list(range(64))


def test_a_repeated_event_is_committed_once(store_url: str | None) -> None:
    async def scenario() -> tuple[str, str]:
        store = Store.connect(store_url)
        first = await store.commit_thread("C1", "1.1", 0, {"n": 1}, event_id="EvSAME")
        again = await store.commit_thread("C1", "1.1", first.version, {"n": 2}, event_id="EvSAME")
        return first.status, again.status

    assert _run(scenario()) == ("ok", "duplicate")


def test_only_one_concurrent_accept_wins(store_url: str | None) -> None:
    async def scenario() -> list[str]:
        store = Store.connect(store_url)
        handoff_id, created = await store.create_handoff("C1", "5.5", {"requested_at": str(time.time())}, {"what": "requested"})
        assert created
        results = await asyncio.gather(
            *(store.transition(handoff_id, ["open"], "accepted", {"accepted_by": f"U{n}"}, {"who": f"U{n}"}) for n in range(10))
        )
        winners = [r for r in results if r.status == "ok"]
        assert len(winners) == 1
        losers = [r for r in results if r.status == "refused"]
        assert all(r.state_before == "accepted" and r.before.get("accepted_by") for r in losers)
        trail = await store.audit_trail(handoff_id)
        assert len(trail) == 2  # requested + the one accept
        return [r.status for r in results]

    assert sorted(_run(scenario())).count("ok") == 1


def test_an_accept_is_one_round_trip_that_ends_its_sla_timers_and_returns_the_handoff(store_url: str | None) -> None:
    from bot.handoff import accept_move, decline_move, sla_timer

    async def scenario() -> None:
        store = Store.connect(store_url)
        handoff_id, _ = await store.create_handoff("C1", "6.6", {"requested_at": "100.0"}, {"what": "opened"})
        for attempt in (1, 2):
            await store.schedule(sla_timer(handoff_id, attempt), 500.0 + attempt)
        await store.schedule("recovery|C1|6.6", 700.0)
        first = await store.apply(handoff_id, accept_move(handoff_id, "USUPER1", 200.0, 2))  # loads the script
        assert first.status == "ok"
        other, _ = await store.create_handoff("C2", "7.7", {"requested_at": "100.0"}, {"what": "opened"})
        await store.schedule(sla_timer(other, 1), 501.0)
        with RoundTrips(store.redis) as counted:
            moved = await store.apply(other, accept_move(other, "USUPER2", 300.0, 2))
        assert counted.trips == ["pipeline"]
        h = moved.handoff()
        assert h is not None and (h.state, h.accepted_by, h.accepted_at) == ("accepted", "USUPER2", 300.0)
        again = await store.apply(other, accept_move(other, "USUPER1", 301.0, 2))
        assert again.status == "refused" and again.handoff() is None and again.before["accepted_by"] == "USUPER2"
        assert [t for t, _ in await store.timers()] == ["recovery|C1|6.6"]
        assert {row["id"] for row in await store.open_handoffs()} == {handoff_id, other}  # accepted is still live
        declined = await store.create_handoff("C3", "8.8", {"requested_at": "100.0"}, {})
        assert (await store.apply(declined[0], decline_move(declined[0], "USUPER1", "no", 400.0, 2))).status == "ok"
        assert declined[0] not in [row["id"] for row in await store.open_handoffs()]

    _run(scenario())


def test_a_move_from_a_state_the_table_does_not_allow_changes_nothing(store_url: str | None) -> None:
    from bot.handoff import decline_move, reassign_move, resolve_move, validate_resolution

    async def scenario() -> None:
        store = Store.connect(store_url)
        handoff_id, _ = await store.create_handoff("C4", "9.9", {"requested_at": "100.0"}, {"what": "opened"})
        resolution, _ = validate_resolution("Refunded", "", "", False, ())
        early = await store.apply(handoff_id, resolve_move("USUPER1", resolution, 200.0))
        assert (early.status, early.state_before) == ("refused", "open")
        moved = await store.apply(handoff_id, reassign_move("open", "USUPER1", "USUPER2", 210.0))
        assert moved.handoff() is not None and (moved.handoff().state, moved.handoff().assignee) == ("open", "USUPER2")
        stale = await store.apply(handoff_id, reassign_move("accepted", "USUPER1", "USUPER3", 220.0))  # opened on a state it is not in
        assert stale.status == "refused"
        assert (await store.apply(handoff_id, decline_move(handoff_id, "USUPER1", "no", 230.0, 1))).status == "ok"
        late = await store.apply(handoff_id, decline_move(handoff_id, "USUPER2", "no", 240.0, 1))
        assert late.status == "refused" and late.before["declined_by"] == "USUPER1"
        assert [e["what"] for e in await store.audit_trail(handoff_id)] == ["opened", "reassigned", "declined"]
        assert (await store.apply("000000000000", decline_move("000000000000", "USUPER1", "no", 250.0, 1))).status == "missing"
        assert (await store.handoff(handoff_id))["assignee"] == "USUPER2"

    _run(scenario())


def test_second_handoff_for_a_thread_returns_the_open_one(store_url: str | None) -> None:
    async def scenario() -> None:
        store = Store.connect(store_url)
        first, created = await store.create_handoff("C1", "7.7", {"requested_at": "1"}, {})
        second, created_again = await store.create_handoff("C1", "7.7", {"requested_at": "2"}, {})
        assert created and not created_again and first == second
        await store.transition(first, ["open"], "resolved", {}, {})
        third, created_third = await store.create_handoff("C1", "7.7", {"requested_at": "3"}, {})
        assert created_third and third != first

    _run(scenario())


def test_due_timers_are_claimed_exactly_once(store_url: str | None) -> None:
    async def scenario() -> list[str]:
        store = Store.connect(store_url)
        others = [store if store_url is None else Store.connect(store_url) for _ in range(3)]
        await store.schedule("sla|a|1", 10)
        await store.schedule("sla|b|1", 20)
        await store.schedule("sla|later|1", 10_000)
        claimed = await asyncio.gather(*(s.claim_due(100) for s in [store, *others]))
        return sorted(t for batch in claimed for t in batch)

    assert _run(scenario()) == ["sla|a|1", "sla|b|1"]


def test_daily_counters_and_once_guard(store_url: str | None) -> None:
    async def scenario() -> None:
        store = Store.connect(store_url)
        now = time.time()
        await store.count({"whispers": 2, "trigger:delay": 1}, at=now)
        await store.count({"whispers": 1}, at=now)
        days = await store.daily_counters(7, now)
        assert len(days) == 7 and list(days.values())[-1] == {"whispers": 3, "trigger:delay": 1}
        assert await store.once("recovery:U1", 60) and not await store.once("recovery:U1", 60)

    _run(scenario())


def test_counters_are_written_behind_in_one_pipeline_and_reach_other_replicas(store_url: str | None) -> None:
    async def scenario() -> None:
        store = Store.connect(store_url)
        other = store if store_url is None else Store.connect(store_url)
        now = time.time()
        await store.count({"whispers": 1, "whispers:empathy": 1}, at=now)
        await store.count({"whispers": 1}, at=now)
        await store.note_agent_thread("UA", "C1", "1.1", now)
        if store_url is not None:
            # not written yet: another replica sees nothing until the flush (at most a second later)
            assert list((await other.daily_counters(1, now)).values()) == [{}]
        await store.flush()
        assert list((await other.daily_counters(1, now)).values()) == [{"whispers": 2, "whispers:empathy": 1}]
        assert await other.agent_threads("UA", now) == [("C1", "1.1")]
        await store.flush()  # nothing left: counting again would double the numbers
        assert list((await other.daily_counters(1, now)).values()) == [{"whispers": 2, "whispers:empathy": 1}]

    _run(scenario())


def test_a_failed_flush_keeps_the_counts_for_the_next_one(redis_url: str) -> None:
    async def scenario() -> None:
        store = Store.connect(redis_url)
        now = time.time()
        await store.count({"whispers": 3}, at=now)
        real = store.redis
        store.redis = Store.connect("redis://127.0.0.1:1/0").redis  # nothing listens there
        with pytest.raises(Exception):
            await store.flush()
        store.redis = real
        await store.count({"whispers": 1}, at=now)
        await store.close()  # shutdown writes what is left
        fresh = Store.connect(redis_url)
        assert list((await fresh.daily_counters(1, now)).values()) == [{"whispers": 4}]

    _run(scenario())


def test_a_burst_larger_than_the_pool_waits_for_connections_and_reuses_them(redis_url: str) -> None:
    # Idle connections are taken without queueing; a pool at its limit still makes callers wait
    # (never "Too many connections"), and a connection Redis dropped is replaced, not handed out dead.
    async def scenario() -> None:
        store = Store.connect(redis_url, max_connections=3)
        results = await asyncio.gather(*(store.first_delivery(f"Ev{n}") for n in range(60)))
        assert results == [True] * 60
        pool = store.redis.connection_pool
        assert len(pool._available_connections) + len(pool._in_use_connections) <= 3
        for connection in list(pool._available_connections):
            await connection.disconnect()  # as after a Redis restart
        assert await store.first_delivery("Ev-after") is True
        assert await store.first_delivery("Ev-after") is False

    _run(scenario())
