"""Count the round trips a redis-py client makes: one per command, one per pipeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RoundTrips:
    """While active, `trips` lists each command name (or "pipeline") the client sends when `counting()` holds."""

    def __init__(self, client: Any, counting: Callable[[], bool] = lambda: True):
        self.client, self.counting = client, counting
        self.trips: list[str] = []
        self._plain, self._pipeline = client.execute_command, client.pipeline

    def __enter__(self) -> "RoundTrips":
        plain, pipeline = self._plain, self._pipeline

        async def counted(*args: Any, **kwargs: Any) -> Any:
            if self.counting():
                self.trips.append(str(args[0]))
            return await plain(*args, **kwargs)

        def counted_pipeline(*args: Any, **kwargs: Any) -> Any:
            pipe = pipeline(*args, **kwargs)
            run = pipe.execute

            async def execute(*a: Any, **k: Any) -> Any:
                if self.counting():
                    self.trips.append("pipeline")
                return await run(*a, **k)

            pipe.execute = execute
            return pipe

        self.client.execute_command, self.client.pipeline = counted, counted_pipeline
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.execute_command, self.client.pipeline = self._plain, self._pipeline
