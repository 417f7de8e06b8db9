"""The escalating order-chase thread of issue 12 (examples/order-chase.jsonl), shared by the pure and the end-to-end tests."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-chase.jsonl"


def order_chase() -> list[tuple[str, str]]:
    """(role, text) for the 15 messages, in order."""
    rows = [json.loads(line) for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["role"], row["text"]) for row in rows]


# The agent's first apology in the thread: no apology suggestion may come after it.
AGENT_APOLOGY = "I'm sorry, I'm chasing this right now."
MANAGER_REQUEST = "I want to speak to a manager."
