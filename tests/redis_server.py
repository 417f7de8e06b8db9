"""A throwaway real redis-server for tests that need true Redis semantics (Lua, persistence, replicas).

fakeredis covers most unit tests; this covers what only a real server proves: scripts run atomically
across connections, and AOF data survives a restart or a crash.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def redis_available() -> bool:
    """Whether a redis-server binary is on PATH."""
    return shutil.which("redis-server") is not None


class _PortTaken(Exception):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server on a free loopback port in its own temp dir; `url` is ready once started."""

    def __init__(self, *, appendonly: bool = False, start_timeout: float = 10.0, extra_args: tuple[str, ...] = ()) -> None:
        self.appendonly = appendonly
        self.extra_args = extra_args  # more redis-server options, e.g. cluster mode
        self.start_timeout = start_timeout
        self.port = _free_port()
        self._tmp = tempfile.TemporaryDirectory(prefix="deescalate-redis-")
        self.dir = Path(self._tmp.name)
        self._proc: subprocess.Popen[bytes] | None = None
        self._started_once = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> str:
        path = self.dir / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self, **kwargs: object) -> redis.Redis:
        return redis.Redis.from_url(self.url, **kwargs)  # type: ignore[arg-type]

    def start(self) -> RedisServer:
        """Launch the server and wait until it answers PING."""
        if self._proc is not None and self._proc.poll() is None:
            return self
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH")
        for attempt in range(3):
            try:
                self._launch(binary)
                break
            except _PortTaken:
                # Another process grabbed the free port between probing and binding: take a new
                # one, unless a restart must keep the port the clients know.
                if self._started_once or attempt == 2:
                    raise RuntimeError(f"port {self.port} is taken:\n{self.log[-2000:]}") from None
                self.port = _free_port()
        self._started_once = True
        return self

    def _launch(self, binary: str) -> None:
        args = [
            binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.dir),
            "--save", "",
            "--daemonize", "no",
            "--logfile", "redis.log",
            "--appendonly", "yes" if self.appendonly else "no",
            # Every write reaches disk before the reply, so a kill() loses nothing acknowledged.
            "--appendfsync", "always",
            *self.extra_args,
        ]  # fmt: skip
        self._proc = subprocess.Popen(args, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        probe = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            while True:
                assert self._proc is not None
                code = self._proc.poll()
                if code is not None:
                    self._proc = None
                    if "Address already in use" in self.log:
                        raise _PortTaken()
                    raise RuntimeError(f"redis-server exited with {code}:\n{self.log[-2000:]}")
                try:
                    # Ask for the pid: a PING alone could be answered by another server on this port.
                    if probe.info("server")["process_id"] == self._proc.pid:
                        return
                except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"redis-server did not answer PING in {self.start_timeout}s")
                time.sleep(0.01)
        finally:
            probe.close()

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM: redis flushes its AOF) and wait for the exit."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None

    def kill(self) -> None:
        """Crash the server (SIGKILL), as a power cut or OOM kill would."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._proc = None

    def restart(self) -> RedisServer:
        """Stop (if running) and start again on the same port and dir, so AOF data is reloaded."""
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        """Stop the server and delete its directory."""
        self.stop()
        self._tmp.cleanup()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
