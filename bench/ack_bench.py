"""Ack time while Slack's Web API is unreachable: signed requests into the running bot, Slack down.

    python bench/ack_bench.py                      # 10 requests of each kind, Slack refusing connections
    python bench/ack_bench.py --slack hanging -n 5 # Slack accepting connections and never answering

The bot (the same app object `deescalate serve` runs, on the embedded store) is started with
SLACK_API_URL pointing at a port that refuses connections (or one that accepts and never answers).
Each request is sent one at a time, and the time until the HTTP answer arrives is the ack time:
angry customer replies in a thread an agent answered (their whisper cannot be delivered: the answer
waits for that work 0.25 s at most), reaction events and `/deescalate help`.
Prints median and max per kind, and over all requests. Run by hand; not part of CI.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness import SIGNING_SECRET, SUPERVISOR, SUPERVISOR_CHANNEL, BotHandle  # noqa: E402
from tests.signing import SignedSender, message_event  # noqa: E402

ANGRY = "This is RIDICULOUS. Third time I'm asking and nobody helps, I want a refund NOW!!!"


def dead_slack(kind: str) -> tuple[socket.socket, str]:
    """A loopback port that refuses connections (bound, never listening) or accepts and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    if kind == "hanging":
        sock.listen(128)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/api/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="requests of each kind (default 10)")
    parser.add_argument("--slack", choices=("refused", "hanging"), default="refused")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up on one answer after this long")
    args = parser.parse_args()

    sock, api_url = dead_slack(args.slack)
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DEESCALATE_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
        "DEESCALATE_SUPERVISORS": SUPERVISOR,
        "HOST": "127.0.0.1",
        "PORT": "0",
    }
    started = time.perf_counter()
    bot = BotHandle(env)
    print(f"bot started in {time.perf_counter() - started:.2f} s with Slack {args.slack}")
    sender = SignedSender(bot.url, SIGNING_SECRET, timeout=args.timeout)
    times: dict[str, list[float]] = {"message": [], "reaction": [], "command": []}
    try:
        for i in range(args.n):
            root = f"1700000000.{i:06d}"
            # A thread an agent already answered, so the angry message calls for a whisper (which cannot be sent).
            sender.event(message_event("CBENCH", "UCUSTOMER", "Hello, my parcel has not arrived.", ts=root))
            sender.event(message_event("CBENCH", "UAGENT", "Hi, looking into it.", ts=f"1700000001.{i:06d}", thread_ts=root,
                                       parent_user_id="UCUSTOMER"))
            requests = {
                "message": lambda: sender.event(message_event("CBENCH", "UCUSTOMER", ANGRY, ts=f"1700000002.{i:06d}", thread_ts=root,
                                                              parent_user_id="UCUSTOMER")),
                "reaction": lambda: sender.event(
                    {"type": "reaction_added", "user": "U1", "reaction": "eyes", "item": {"type": "message", "channel": "CBENCH", "ts": root}}
                ),
                "command": lambda: sender.command("help"),
            }
            for kind, send in requests.items():
                t0 = time.perf_counter()
                try:
                    status = send().status
                except OSError as exc:  # the bot did not answer within --timeout
                    status = type(exc).__name__
                times[kind].append(time.perf_counter() - t0)
                if status != 200:
                    print(f"  {kind} #{i}: answered {status}")
    finally:
        bot.stop()
        sock.close()
    every = [t for values in times.values() for t in values]
    for kind, values in [*times.items(), ("all", every)]:
        print(f"{kind:9s} n={len(values):3d}  median {statistics.median(values) * 1000:8.1f} ms   max {max(values) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
