"""Micro-benchmark of deescalate's pure work for one angry customer message (run by hand; not a test).

    python bench/decision_bench.py [--runs 7] [--threads 2000]

The same thread shape as bench/e2e_bench.py: a customer opens the thread, an agent replies, then one
angry customer message arrives. Timed per angry message, as the message path does it (handlers/whispers/messages.py
and shell/store.py): Case.from_dict(cached record) → decide (detector observe, phrase choice, Block Kit,
safety) → case.to_dict() → the JSON the store writes and the JSON body the gateway sends. No I/O.
Each thread is distinct (its own root ts) and the three angry texts rotate, as in the e2e benchmark.
Prints the median over runs of µs per message, and the same for each part measured alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.e2e_bench import AGENT, ANGRY, CHANNEL, CUSTOMER  # noqa: E402
from bot.case import Case  # noqa: E402
from bot.detector import observe  # noqa: E402
from bot.whisper import Incoming, Roles, Settings, Whisper, decide  # noqa: E402
from phrasebook import Moment, choose, load_phrasebook  # noqa: E402

ROLES = Roles(None, "T1", False)
SETTINGS = Settings(supervisor_channel="CSUPERVISE")


def opened_threads(book, n: int) -> list[tuple[dict, Incoming]]:  # noqa: ANN001
    """(record after root + agent reply, the angry message) for n distinct threads."""
    out = []
    for i in range(n):
        root = f"{1_800_000_000 + i}.000100"
        at = float(root)  # event times near the thread's root, as in Slack
        case, _ = decide(None, Incoming("post", CHANNEL, root, root, at, CUSTOMER, "T1", "Hi, my order has not arrived yet.", CUSTOMER),
                         ROLES, SETTINGS, book)
        reply = Incoming("post", CHANNEL, root, f"{root}1", at + 10, AGENT, "T1", "Thanks, checking that now.", CUSTOMER)
        case, _ = decide(Case.from_dict(case.to_dict()), reply, ROLES, SETTINGS, book)
        # The store hands decide a record that went through JSON once (its cache holds the committed dict).
        record = json.loads(json.dumps(case.to_dict(), separators=(",", ":")))
        angry = Incoming("post", CHANNEL, root, f"{root}2", at + 20, CUSTOMER, "T1", ANGRY[i % len(ANGRY)], CUSTOMER)
        out.append((record, angry))
    return out


def agent_replies(book, n: int) -> list[tuple[dict, Incoming]]:  # noqa: ANN001
    """(record after the customer's opening, the agent's reply) for n distinct threads; replies rotate."""
    texts = ("Thanks, checking that now.", "I'm sorry about that, I'll have an answer for you by 3 pm.",
             "I understand. Could you send me the order number?")
    out = []
    for i in range(n):
        root = f"{1_800_000_000 + i}.000100"
        at = float(root)
        case, _ = decide(None, Incoming("post", CHANNEL, root, root, at, CUSTOMER, "T1", "Hi, my order has not arrived yet.", CUSTOMER),
                         ROLES, SETTINGS, book)
        record = json.loads(json.dumps(case.to_dict(), separators=(",", ":")))
        out.append((record, Incoming("post", CHANNEL, root, f"{root}1", at + 10, AGENT, "T1", texts[i % len(texts)], CUSTOMER)))
    return out


def message_path(book, record: dict, msg: Incoming) -> int:  # noqa: ANN001
    case, actions = decide(Case.from_dict(record), msg, ROLES, SETTINGS, book)
    new_record = case.to_dict()
    size = len(json.dumps(new_record, separators=(",", ":"), ensure_ascii=False))
    for action in actions:
        if isinstance(action, Whisper):
            body = {"channel": action.channel, "user": action.user, "thread_ts": action.thread_ts, "text": action.text,
                    "blocks": list(action.blocks)}
            size += len(json.dumps(body))
    return size


def per_message(fn, items: list, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for item in items:
            fn(*item)
        times.append((time.perf_counter() - started) / len(items) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile the whole path once and print the top functions")
    args = parser.parse_args()
    book = load_phrasebook()
    threads = opened_threads(book, args.threads)
    # A sanity check that the path does what the product does: every angry message gets a whisper.
    whispered = sum(any(isinstance(a, Whisper) for a in decide(Case.from_dict(r), m, ROLES, SETTINGS, book)[1]) for r, m in threads)
    assert whispered == len(threads), f"only {whispered}/{len(threads)} angry messages were whispered"

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for record, msg in threads:
            message_path(book, record, msg)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return

    total = per_message(lambda r, m: message_path(book, r, m), threads, args.runs)
    # The agent's reply on the same threads: where reading the reply for its moves (issue 12) is paid.
    replies = agent_replies(book, args.threads)
    agent_total = per_message(lambda r, m: message_path(book, r, m), replies, args.runs)
    cases = [(Case.from_dict(r), m) for r, m in threads]
    decided = [decide(c, m, ROLES, SETTINGS, book)[0] for c, m in cases]
    readings = [observe(c.tension, m.text)[0] for c, m in cases]
    moments = [(Moment(level=r.level, rising=True, flags=frozenset(r.flags), triggers=r.triggers),) for r in readings]
    parts = {
        "Case.from_dict": per_message(Case.from_dict, [(r,) for r, _ in threads], args.runs),
        "decide (all below)": per_message(lambda c, m: decide(c, m, ROLES, SETTINGS, book), cases, args.runs),
        "  detector observe": per_message(lambda c, m: observe(c.tension, m.text), cases, args.runs),
        "  phrasebook choose": per_message(lambda mo: choose(book, mo, seed=7, count=3), moments, args.runs),
        "case.to_dict": per_message(Case.to_dict, [(c,) for c in decided], args.runs),
        "json.dumps(record)": per_message(lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False),
                                          [(c.to_dict(),) for c in decided], args.runs),
    }
    try:
        from bot.moves import read_moves
    except ImportError:  # a tree from before agent moves (issue 12): the part does not exist there
        read_moves = None
    if read_moves is not None:
        parts["agent reply: read_moves"] = per_message(lambda r, m: read_moves(book, m.text), replies, args.runs)
    print(f"Pure path for one angry message on a 2-message thread ({args.threads} threads, median of {args.runs} runs):")
    print(f"  {total:7.1f} µs  whole path (from_dict + decide + to_dict + record and whisper JSON)")
    for name, us in parts.items():
        print(f"  {us:7.1f} µs  {name}")
    print(f"  {agent_total:7.1f} µs  agent reply, whole path (an agent's first reply on a customer's opening)")


if __name__ == "__main__":
    main()
