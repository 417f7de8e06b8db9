"""Run the real bot (the same app object `deescalate serve` runs) on a real port, in a background thread.

Tests talk to it only as Slack would: signed HTTP requests in, Web API calls out to the stand-in.
`BotHandle.run(coro)` executes a coroutine on the bot's own loop (to look into its store), and
`advance(seconds)` moves the bot's clock forward so cooldowns, SLAs and follow-ups can be tested
without sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any

from bot.config import from_env
from handlers.app import Runtime, build_runtime
from handlers import server
from tests.signing import SignedSender
from tests.standin import SlackStandIn

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "test-signing-secret"
SUPERVISOR_CHANNEL = "CSUPERVISE"
SUPERVISOR = "USUPER1"
SUPERVISOR_2 = "USUPER2"


def bot_env(standin: SlackStandIn, redis_url: str | None, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DEESCALATE_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
        "DEESCALATE_SUPERVISORS": f"{SUPERVISOR},{SUPERVISOR_2}",
        "DEESCALATE_TIMER_POLL_SECONDS": "0.05",
        "HOST": "127.0.0.1",
        "PORT": "0",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(overrides)
    return env


class BotHandle:
    def __init__(self, env: Mapping[str, str]):
        self.config = from_env(env)
        self._offset = 0.0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bot-loop", daemon=True)
        self._thread.start()
        self.runtime: Runtime = self.run(self._build())
        self.runtime.clock = lambda: time.time() + self._offset
        self._runner, self.port = self.run(server.start(self.runtime, "127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.port}"
        self.sender = SignedSender(self.url, SIGNING_SECRET)

    async def _build(self) -> Runtime:
        return build_runtime(self.config)

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 20) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def advance(self, seconds: float) -> None:
        """Move the bot's clock forward (timers fire on their next poll)."""
        self._offset += seconds

    @property
    def store(self):  # noqa: ANN201
        return self.runtime.store

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until the bot has no background work in flight (loops excepted)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            busy = self.run(self._busy())
            if not busy:
                return
            time.sleep(0.01)
        raise AssertionError("bot still busy after %.1fs" % timeout)

    async def _busy(self) -> int:
        return sum(1 for t in self.runtime.background if not t.get_name().startswith("loop:") and not t.done())

    def stop(self) -> None:
        try:
            self.run(self._runner.cleanup())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


class ServeProcess:
    """`deescalate serve` as a real process (what production runs), on a free port."""

    def __init__(self, env: Mapping[str, str], *, log_path: str | None = None):
        import os
        import socket
        import subprocess
        import sys
        import tempfile

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        # This checkout's code, not whichever copy is installed (the process runs from a temp dir).
        full_env.setdefault("PYTHONPATH", str(ROOT))
        self.log_path = log_path or tempfile.mkstemp(prefix="deescalate-serve-", suffix=".log")[1]
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", "serve"],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=tempfile.gettempdir(),
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.sender = SignedSender(self.url, env.get("SLACK_SIGNING_SECRET", SIGNING_SECRET))
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 30) -> None:
        import urllib.request

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"deescalate serve exited with {self.proc.returncode}:\n{self.log}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"deescalate serve not healthy after {timeout}s:\n{self.log}")

    @property
    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path) as handle:
            return handle.read()

    def stop(self, timeout: float = 10) -> int:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        self._log.close()
