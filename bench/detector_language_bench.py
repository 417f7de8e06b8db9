"""Cost of reading Spanish next to English, one message at a time (run by hand; not a test).

    python bench/detector_language_bench.py [--runs 7]

Side by side in one run, interleaved so machine noise falls on both: the English reader over the
English support-chat fixture and the Spanish reader over the Spanish one (tests/fixtures/), each
message read alone with `score` and in its thread with `observe`; then one 40,000-character Spanish
message in several shapes (the worst case a paste can bring). Prints medians over runs and the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.detector import observe, score  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def _rows(name: str) -> list[tuple[str, str]]:
    with open(FIXTURES / name, encoding="utf-8") as f:
        return [(r["thread"], r["text"]) for r in map(json.loads, f)]


def _per_message(rows: list[tuple[str, str]], language: str, repeat: int = 20) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        states: dict = {}
        for thread, text in rows:
            score(text, language=language)
            _, states[thread] = observe(states.get(thread), text, language=language)
    return (time.perf_counter() - started) / (repeat * len(rows)) * 1e6


SHAPES = {
    "support prose": "sigo esperando mi pedido desde el lunes y nadie me contesta. ",
    "one letter": "a",
    "masked swearing": "m*erda p*ta imb*cil ",
    "shouting": "DÓNDE ESTÁ MI PEDIDO ",
    "negations": "no es aceptable no me sirve ",
    "insults": "eres un idiota inútil ",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    english, spanish = _rows("support_chat.jsonl"), _rows("support_chat_es.jsonl")
    en, es = [], []
    for _ in range(args.runs):
        en.append(_per_message(english, "en"))
        es.append(_per_message(spanish, "es"))
    m_en, m_es = statistics.median(en), statistics.median(es)
    print(f"score + observe per message (median of {args.runs})   en {m_en:.1f} us   es {m_es:.1f} us   ratio es/en {m_es / m_en:.2f}x")
    rng = random.Random(7)
    shapes = dict(SHAPES)
    for name, unit in [*shapes.items(), ("unique ids", None)]:
        text = (unit * (40_000 // len(unit) + 1))[:40_000] if unit else " ".join(f"ES-{rng.randrange(10**6, 10**7)}" for _ in range(5000))[:40_000]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            score(text, language="es")
            times.append((time.perf_counter() - started) * 1000)
        print(f"one 40,000-character Spanish message ({name:<15})   {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
