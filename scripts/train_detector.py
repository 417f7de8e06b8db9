"""Train the detector's small learned component and write bot/data/detector_weights.json.

    python scripts/train_detector.py [--data ../shared/data] [--out bot/data/detector_weights.json]

Two logistic regressions over the same unigram tokens the detector reads at run time
(bot.detector_text.tokens: lower-cased, negation-marked, masks and elongations undone):
  - anger  (tension) on TweetEval emotion, anger vs joy/optimism/sadness;
  - offense (abuse)  on TweetEval offensive (OLID level A).
Both learn on the *train* split only; the regularisation strength and the decision threshold are
chosen on the *val* split; the test split is never read. TweetEval is released without
restrictions; USS (research-only) is never used here. numpy/scikit-learn are needed by this
script only: the product reads the exported JSON table with plain dict lookups.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.detector_lexicon import KNOWN_WORDS  # noqa: E402
from bot.detector_text import DROP, register_star_words, tokens  # noqa: E402

TASKS = {"anger": ("tweeteval_emotion", "tense"), "offense": ("tweeteval_offensive", "abusive")}
GRID_C = (0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
# Evidence gains tried for the shipped detector (rules included); capped so that plain support
# talk, which tweets never show, stays calm.
GRID_GAIN = (1.5, 2.0, 2.5, 3.0, 3.5)
MIN_DF = 2
# Weights are shrunk toward zero by this much before export: small weights are mostly tweet
# habits ("like", "order"), and support chat must not read tense from them.
# The offense model is more regularised (smaller weights), so it is shrunk less.
SHRINK = {"anger": 0.3, "offense": 0.1}


def load(data: Path, name: str, key: str) -> dict[str, list[tuple[str, int]]]:
    splits: dict[str, list[tuple[str, int]]] = {}
    with open(data / name / "data.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] in ("train", "val"):
                splits.setdefault(row["split"], []).append((row["text"], int(bool(row[key]))))
    return splits


# Function words carry tweet habits, not tension ("you", "me" are in every support chat): not learned.
STOPWORDS = frozenset(
    "i me my myself we our ours us you your yours u ur he him his she her it its they them their the a an "
    "and or but if then so than that this these those is am are was were be been being do does did have has "
    "had having to of in on at by for with from as about into over after before up down out off just also "
    "can could will would should shall may might must there here what which who whom when where why how "
    "all any both each some such only own same too very s t don im i'm it's that's get got".split()
)


# Abuse is often aimed at "you", so the offense model keeps second-person words.
SKIP = {"anger": DROP | STOPWORDS, "offense": DROP | (STOPWORDS - {"you", "your", "u", "ur", "yourself"})}


def features(text: str, skip: frozenset[str]) -> dict[str, int]:
    return {t: 1 for t in tokens(text, KNOWN_WORDS) if t not in skip}


def train_task(rows: dict[str, list[tuple[str, int]]], skip: frozenset[str], shrink: float) -> tuple[dict[str, float], float, float, dict]:
    """Fit on train, pick C by val AUC and the threshold by val F1; return weights, intercept, threshold."""
    train_f = [features(t, skip) for t, _ in rows["train"]]
    df: dict[str, int] = {}
    for f in train_f:
        for k in f:
            df[k] = df.get(k, 0) + 1
    train_f = [{k: v for k, v in f.items() if df[k] >= MIN_DF} for f in train_f]
    vec = DictVectorizer()
    x_train = vec.fit_transform(train_f)
    y_train = np.array([y for _, y in rows["train"]])
    x_val = vec.transform([features(t, skip) for t, _ in rows["val"]])
    y_val = np.array([y for _, y in rows["val"]])
    best = None
    for c in GRID_C:
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x_train, y_train)
        auc = roc_auc_score(y_val, model.decision_function(x_val))
        if best is None or auc > best[0]:
            best = (auc, c, model)
    auc, c, model = best
    logits = model.decision_function(x_val)
    candidates = np.quantile(logits, np.linspace(0.05, 0.95, 91))
    f1, threshold = max((f1_score(y_val, logits >= th), float(th)) for th in candidates)
    names = vec.get_feature_names_out()
    weights = {n: round(float(np.sign(w) * (abs(w) - shrink)), 3) for n, w in zip(names, model.coef_[0]) if abs(w) > shrink}
    vocabulary = set(vec.get_feature_names_out())
    report = {"C": c, "val_auc": round(auc, 4), "val_f1": round(f1, 4), "n_train": len(y_train), "n_features": len(weights)}
    return weights, float(model.intercept_[0]), threshold, report, vocabulary


def tune_gains(data: Path, weights_path: Path) -> dict[str, float]:
    """Pick each model's evidence gain by the whole detector's F1 on val (its own decision rule)."""
    import importlib

    import bot.detector as detector

    if weights_path.resolve() != (Path(detector.__file__).parent / "data" / "detector_weights.json").resolve():
        print("weights written outside the package: gains left at 1.0")
        return {task: 1.0 for task in TASKS}
    detector = importlib.reload(detector)
    decide = {
        "anger": (detector._ANGER, lambda r: r.level in ("tense", "heated")),
        "offense": (detector._OFFENSE, lambda r: "abusive" in r.flags),
    }
    gains = {}
    for task, (name, key) in TASKS.items():
        rows = load(data, name, key)["val"]
        model, decision = decide[task]
        results = []
        for gain in GRID_GAIN:
            object.__setattr__(model, "gain", gain)
            f1 = f1_score([y for _, y in rows], [decision(detector.score(t)) for t, _ in rows])
            results.append((round(f1, 4), gain))
        f1, gains[task] = max(results)
        object.__setattr__(model, "gain", gains[task])
        print(task, "gain", gains[task], "val F1 of the detector", f1)
    return gains


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=here.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=here / "bot" / "data" / "detector_weights.json")
    args = parser.parse_args(argv)
    register_star_words(KNOWN_WORDS)
    out: dict = {
        "about": "Unigram logistic regressions trained by scripts/train_detector.py on TweetEval "
        "(cardiffnlp/tweeteval, emotion and offensive, train split; C and threshold tuned on val).",
        "models": {},
    }
    table: dict[str, list[float]] = {}
    known: set[str] = set(STOPWORDS)
    for i, (task, (name, key)) in enumerate(TASKS.items()):
        weights, intercept, threshold, report, vocabulary = train_task(load(args.data, name, key), frozenset(SKIP[task]), SHRINK[task])
        print(task, report)
        # `threshold` is the val-F1 decision on the full logit (intercept included).
        out["models"][task] = {"intercept": round(intercept, 4), "threshold": round(threshold, 4), **report}
        known |= vocabulary
        for tok, w in weights.items():
            table.setdefault(tok, [0.0] * len(TASKS))[i] = w
    out["weights"] = dict(sorted(table.items()))
    # Words seen in training but carrying no weight: known, so the tokenizer need not inspect them.
    out["known"] = sorted(known - set(table))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    for task, gain in tune_gains(args.data, args.out).items():
        out["models"][task]["gain"] = gain
    args.out.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(table)} tokens)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
