"""Fixtures: a real redis-server, the Slack stand-in, and the real bot on a real port."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings

from tests.support.harness import BotHandle, bot_env
from tests.support.redis_server import RedisServer, redis_available
from tests.support.standin import SlackStandIn

ON_CI = os.environ.get("CI", "").lower() == "true"

# CI runs the property tests on a fixed set of examples (reproducible, no deadline flakiness on a
# loaded 2-core machine); locally hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if ON_CI else "dev")


def require_redis() -> None:
    """Skip without redis-server locally; on CI (CI=true) a missing redis-server fails the test."""
    if not redis_available():
        if ON_CI:
            pytest.fail("redis-server is not on PATH; CI must install it (apt-get install -y redis-server)")
        pytest.skip("redis-server is not installed")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real redis-server for the session; tests flush it through `redis_url`."""
    require_redis()
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client().flushall()
    return redis_server.url


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def make_bot(standin: SlackStandIn) -> Iterator[Callable[..., BotHandle]]:
    """Factory: make_bot(redis_url=None, **ENV_OVERRIDES) starts the real bot against the stand-in."""
    bots: list[BotHandle] = []

    def make(redis_url: str | None = None, **overrides: str) -> BotHandle:
        handle = BotHandle(bot_env(standin, redis_url, **overrides))
        bots.append(handle)
        return handle

    yield make
    for handle in bots:
        handle.stop()


@pytest.fixture(params=["embedded", "redis"])
def bot(request: pytest.FixtureRequest, make_bot: Callable[..., BotHandle]) -> BotHandle:
    """The bot on each store: the embedded in-process one and a real redis-server."""
    if request.param == "redis":
        return make_bot(request.getfixturevalue("redis_url"))
    return make_bot()
