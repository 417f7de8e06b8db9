"""Precision benchmark: do calm conversations stay quiet, and do souring ones get a whisper in time? (run by hand)

    python bench/precision_bench.py [--data ../shared/data] [--code PATH] [--no-detector]

Conversations are replayed through the real decision path (bot.whisper.decide with the shipped
phrasebook, the customer's first message as the thread's root, the other side as the agent), and a
conversation counts as whispered when decide returns any Whisper for it.
  - USS calm: whole USS dialogues whose user turns are all rated >= 3 (share whispered: want <= 5 %);
  - USS tense: dialogues with a user turn rated <= 2 (share whispered at or before the first one);
  - fixture calm / tense: tests/fixtures/support_threads.jsonl (our own words), tense threads counted
    when whispered at or before the customer turn marked `first_tense`.
A whisper needs an agent in the thread: for a conversation tense before the agent's first reply, the
reply is the deadline (the bot gives the agent early words then).
Beside it, two baselines "whisper" on a customer turn that crosses their usual decision: VADER
compound <= -0.05, alt-profanity-check probability >= 0.5. USS is research-only: evaluation here, never training.
`--code PATH` runs the same bench against another checkout's bot/ (e.g. the main branch, for before/after).
Then bench/detector_bench.py runs in the same process (detector table, speed, `deescalate score` speed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "support_threads.jsonl"
CUSTOMER, AGENT, CHANNEL = "UCUST", "UAGENT", "CSUPPORT"


def uss_dialogues(data: Path) -> list[list[tuple[str, str, int | None]]]:
    """USS dialogues as (speaker, text, rating or None) in turn order."""
    by_id: dict[str, list[dict]] = defaultdict(list)
    with open(data / "uss_en" / "data.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["speaker"] in ("USER", "SYSTEM"):
                by_id[r["dialogue_id"]].append(r)
    out = []
    for turns in by_id.values():
        turns.sort(key=lambda r: r["turn"])
        out.append([("customer" if r["speaker"] == "USER" else "agent", r["text"], r.get("label")) for r in turns])
    return out


def fixture_threads() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Replay:
    """Drive one conversation through bot.whisper.decide; report the index of the first whispered turn."""

    def __init__(self, book) -> None:  # noqa: ANN001
        from bot.whisper import Incoming, Roles, Settings, Whisper, decide

        self.book, self.Incoming, self.Whisper, self.decide = book, Incoming, Whisper, decide
        self.roles, self.settings = Roles(), Settings(supervisor_channel="CSUPERVISE")

    def first_whisper(self, turns: list[tuple[str, str]], n: int) -> int | None:
        root = f"{1_700_000_000 + n}.000100"
        case = None
        at = float(root)
        started = False
        for i, (speaker, text) in enumerate(turns):
            if not started and speaker != "customer":
                continue  # a thread starts with the customer's message (USS dialogues do)
            started = True
            ts = root if i == 0 or not case else f"{root[:-3]}{i + 100:03d}"
            user = CUSTOMER if speaker == "customer" else AGENT
            msg = self.Incoming("post", CHANNEL, root, ts, at, user, "T1", text, CUSTOMER)
            case, actions = self.decide(case, msg, self.roles, self.settings, self.book)
            if any(isinstance(a, self.Whisper) for a in actions):
                return i
            at += 30.0
        return None


def baseline_first(turns: list[tuple[str, str]], fires) -> int | None:  # noqa: ANN001
    # A baseline whispers on a customer turn once an agent has replied (as decide does).
    agent_seen = False
    for i, (speaker, text) in enumerate(turns):
        if speaker == "agent":
            agent_seen = True
        elif agent_seen and fires(text):
            return i
    return None


def deadline(turns: list, at: int) -> int:
    """The turn by which a whisper is in time: the first tense customer turn, or the agent's first
    reply when the customer was tense before any agent was there (a whisper needs an agent)."""
    agent = next((i for i, t in enumerate(turns) if t[0] == "agent"), len(turns))
    return max(at, agent)


def rates(first, calm: list, tense: list[tuple[list, int]]) -> tuple[float, float]:  # noqa: ANN001
    calm_hit = sum(1 for turns in calm if first(turns) is not None)
    tense_hit = 0
    for turns, at in tense:
        i = first(turns)
        if i is not None and i <= deadline(turns, at):
            tense_hit += 1
    return 100 * calm_hit / max(1, len(calm)), 100 * tense_hit / max(1, len(tense))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="precision benchmark")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose bot/ and phrasebook/ to run")
    parser.add_argument("--no-detector", action="store_true", help="skip the detector table and speed")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))

    from phrasebook import load_phrasebook
    from profanity_check import predict_prob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    replay = Replay(load_phrasebook())
    counter = iter(range(10**9))

    def ours(turns: list) -> int | None:  # noqa: ANN001
        return replay.first_whisper([(s, t) for s, t, *_ in turns], next(counter))

    def vader_first(turns: list) -> int | None:  # noqa: ANN001
        return baseline_first([(s, t) for s, t, *_ in turns], lambda t: vader.polarity_scores(t)["compound"] <= -0.05)

    def prof_first(turns: list) -> int | None:  # noqa: ANN001
        return baseline_first([(s, t) for s, t, *_ in turns], lambda t: float(predict_prob([t])[0]) >= 0.5)

    sets = []
    dialogues = uss_dialogues(args.data)
    calm, tense = [], []
    for d in dialogues:
        ratings = [(i, r) for i, (s, _, r) in enumerate(d) if s == "customer" and r is not None]
        if not ratings:
            continue
        low = [i for i, r in ratings if r <= 2]
        if low:
            tense.append((d, low[0]))
        else:
            calm.append(d)
    sets.append(("USS dialogues", calm, tense))
    threads = fixture_threads()
    f_calm = [[(t["speaker"], t["text"]) for t in th["turns"]] for th in threads if th["kind"] == "calm"]
    f_tense = [([(t["speaker"], t["text"]) for t in th["turns"]], th["first_tense"]) for th in threads if th["kind"] == "tense"]
    sets.append(("support fixture", f_calm, f_tense))

    print(f"code under test: {args.code.resolve()}")
    print(f"{'set':<18}{'method':<18}{'calm n':>7}{'calm whispered %':>18}{'tense n':>9}{'tense in time %':>17}")
    for title, c, t in sets:
        for name, fn in (("ours (decide)", ours), ("VADER", vader_first), ("profanity-check", prof_first)):
            if name == "profanity-check" and title.startswith("USS"):
                # one call per turn is ~3 ms in profanity-check: the USS run batches it instead
                fn = _batched_prof(c, t, predict_prob)
            cr, tr = rates(fn, c, t)
            print(f"{title:<18}{name:<18}{len(c):>7}{cr:>18.1f}{len(t):>9}{tr:>17.1f}")
    if args.code.resolve() == ROOT and not args.no_detector:
        print()
        sys.path.insert(0, str(ROOT))
        from bench import detector_bench

        detector_bench.main(["--data", str(args.data), "--repeats", str(args.repeats)])
    return 0


def _batched_prof(calm: list, tense: list, predict_prob):  # noqa: ANN001, ANN202
    texts = sorted({t for d in [*calm, *(d for d, _ in tense)] for s, t, *_ in d if s == "customer"})
    probs = dict(zip(texts, (float(p) for p in predict_prob(texts))))
    return lambda turns: baseline_first([(s, t) for s, t, *_ in turns], lambda t: probs[t] >= 0.5)


if __name__ == "__main__":
    raise SystemExit(main())
