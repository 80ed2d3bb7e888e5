"""Benchmark: certify's batch scoring against a per-candidate loop of the reference library.

For each auto-scored task type, N candidates answer the same 200 records (bbox: 50 images with about
5 boxes each). In the same run it times

- certify batch: ``certify.scoring.batch`` from the candidates' raw answer lists to one metric value
  per candidate (what grading's vectorised path does);
- reference loop: the reference library called once per candidate (scikit-learn, seqeval, jiwer,
  pycocotools IoU + scipy assignment, scipy), as a grader without certify would. Input conversion
  that only the reference needs (IOB2 tags for seqeval, numpy boxes for pycocotools) is prepared
  outside the timer, in the reference's favour;
- certify task: ``TaskType.score_many`` end to end (response validation, policy, per-record results),
  for information.

It prints seconds, the ratio reference / certify batch, the issue's target ratio, and the largest
difference between certify's and the reference's values (they must agree within 1e-9).

A reference loop estimated to take longer than ``--reference-budget`` seconds is timed on a sample
of candidates and extrapolated; the table marks such figures with ``~`` and says from how many.

Usage: ``python bench/bench_scoring.py [--quick] [--candidates 1000 10000] [--types ner bbox]``
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certify.scoring import batch
from certify.tasks import TaskSpec, get_task_type

RECORDS = 200
IMAGES = 50
TARGETS = {"classification": 20, "rating": 20, "ner": 5, "transcription-cer": 2,
           "transcription-wer": 2, "bbox": 1}
WORDS = (
    "the", "order", "has", "not", "arrived", "yet", "could", "you", "please", "change", "delivery",
    "address", "to", "my", "office", "card", "was", "charged", "twice", "for", "same", "jacket",
    "return", "these", "shoes", "because", "they", "are", "too", "small",
)
HANZI = "收货地址浙江省杭州市西湖区文三路号规格毫升盒装合计金额元电话快递单号生产日期保质期个月"


@dataclass
class Case:
    """One task type's data and the three things to time."""

    name: str
    certify: Callable[[int], np.ndarray]  # n candidates -> values
    reference: Callable[[int], Callable[[], float]]  # candidate -> (untimed prep) -> timed call
    task: Callable[[int], object]  # n candidates -> score_many result


# -- data ---------------------------------------------------------------------------------------

def label_case(rng, n, kind):
    if kind == "classification":
        labels = ["positive", "negative", "neutral", "mixed", "off_topic"]
        gold = list(rng.choice(labels, RECORDS, p=[0.35, 0.3, 0.2, 0.1, 0.05]))
        config = {"labels": labels}
    else:
        labels = [1, 2, 3, 4, 5]
        gold = [int(g) for g in rng.choice(labels, RECORDS)]
        config = {"scale": {"min": 1, "max": 5}}
    skill = rng.uniform(0.5, 0.95, n)
    keep = rng.random((n, RECORDS)) < skill[:, None]
    noise = rng.choice(len(labels), (n, RECORDS))
    if kind == "rating":  # raters err by one point more often than by more
        step = rng.choice([-1, 1, -2, 2], (n, RECORDS), p=[0.4, 0.4, 0.1, 0.1])
        noise = np.clip(np.array(gold) - 1 + step, 0, 4)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.where(keep, [index[g] for g in gold], noise)
    answers = [[labels[c] for c in row] for row in codes.tolist()]
    records = [{"id": f"r{i:03d}", "text": f"text {i}"} if kind == "classification"
               else {"id": f"r{i:03d}", "reply": f"reply {i}"} for i in range(RECORDS)]
    field = "label" if kind == "classification" else "rating"
    gold_lines = [{"id": r["id"], field: g} for r, g in zip(records, gold, strict=True)]
    spec = TaskSpec(kind, config, records, gold_lines)
    return gold, answers, spec


def ner_case(rng, n):
    labels = ["PER", "ORG", "LOC", "TIME"]
    texts, gold = [], []
    for _ in range(RECORDS):
        length = int(rng.integers(40, 80))
        texts.append("".join(rng.choice(list(HANZI), length)))
        cuts = sorted(rng.choice(np.arange(1, length), 6, replace=False).tolist())
        gold.append([[cuts[i], cuts[i + 1], str(rng.choice(labels))] for i in (0, 2, 4)
                     if rng.random() < 0.8])
    r, answers = fast_random(rng), []
    for _ in range(n):
        row = []
        for spans, text in zip(gold, texts, strict=True):
            mine = []
            for s, e, label in spans:
                roll = r.random()
                if roll < 0.75:
                    mine.append([s, e, label])
                elif roll < 0.85:
                    mine.append([s, min(e + 1, len(text)), label])  # boundary one off
                elif roll < 0.92:
                    mine.append([s, e, r.choice(labels)])
            row.append(mine)
        answers.append(row)
    records = [{"id": f"r{i:03d}", "text": t} for i, t in enumerate(texts)]
    spec = TaskSpec("ner", {"labels": labels}, records,
                    [{"id": r["id"], "spans": g} for r, g in zip(records, gold, strict=True)])
    return texts, gold, answers, spec


def fast_random(rng) -> random.Random:
    """A Python RNG seeded from numpy's: much faster than numpy for one number at a time."""
    return random.Random(int(rng.integers(2**32)))


def edit(r: random.Random, text: str, alphabet: str, n_edits: int) -> str:
    """The text with ``n_edits`` random substitutions, deletions and insertions."""
    chars = list(text)
    for _ in range(n_edits):
        i = r.randrange(len(chars) + 1)
        roll = r.random()
        if roll < 0.4 and chars:
            chars[min(i, len(chars) - 1)] = r.choice(alphabet)
        elif roll < 0.7 and chars:
            del chars[min(i, len(chars) - 1)]
        else:
            chars.insert(i, r.choice(alphabet))
    return "".join(chars)


def text_case(rng, n, unit):
    if unit == "char":  # OCR lines: half Chinese, half English
        refs = ["".join(rng.choice(list(HANZI), int(rng.integers(8, 20)))) if i % 2
                else " ".join(rng.choice(WORDS, int(rng.integers(5, 9)))) for i in range(RECORDS)]
    else:
        refs = [" ".join(rng.choice(WORDS, int(rng.integers(6, 12)))) for _ in range(RECORDS)]
    alphabet = HANZI + "abcdefghijklmnopqrstuvwxyz "
    r, sizes = fast_random(rng), np.array([len(ref) + 1 for ref in refs])
    edits = rng.binomial(sizes, rng.uniform(0.0, 0.15, (n, 1))).tolist()  # error rate per candidate
    answers = [[edit(r, ref, alphabet, k) for ref, k in zip(refs, row, strict=True)] for row in edits]
    records = [{"id": f"r{i:03d}", "image": f"images/r{i:03d}.png"} for i in range(RECORDS)]
    spec = TaskSpec("transcription", {"unit": unit}, records,
                    [{"id": r["id"], "text": t} for r, t in zip(records, refs, strict=True)])
    return refs, answers, spec


def bbox_case(rng, n):
    labels = ["car", "pedestrian", "traffic_sign"]
    gold = []
    for _ in range(IMAGES):
        boxes = []
        for _ in range(int(rng.integers(3, 8))):
            w, h = rng.uniform(20, 160), rng.uniform(20, 120)
            boxes.append([round(rng.uniform(0, 640 - w), 1), round(rng.uniform(0, 480 - h), 1),
                          round(w, 1), round(h, 1), str(rng.choice(labels))])
        gold.append(boxes)
    r, answers = fast_random(rng), []
    for _ in range(n):
        row = []
        for boxes in gold:
            mine = []
            for x, y, w, h, label in boxes:
                if r.random() < 0.1:
                    continue  # missed
                dx, dy, dw, dh = (r.gauss(0, 3) for _ in range(4))
                nx, ny = min(max(x + dx, 0), 600), min(max(y + dy, 0), 440)
                mine.append([nx, ny, min(max(w + dw, 5), 640 - nx), min(max(h + dh, 5), 480 - ny),
                             label if r.random() > 0.05 else r.choice(labels)])
            if r.random() < 0.15:
                mine.append([r.uniform(0, 500), r.uniform(0, 400), 40.0, 30.0, "car"])
            row.append(mine)
        answers.append(row)
    records = [{"id": f"i{i:02d}", "image": f"images/i{i:02d}.png", "width": 640, "height": 480}
               for i in range(IMAGES)]
    spec = TaskSpec("bbox", {"labels": labels, "iou_threshold": 0.5}, records,
                    [{"id": r["id"], "boxes": g} for r, g in zip(records, gold, strict=True)])
    return gold, answers, spec


def multilabel_case(rng, n):
    labels = ["bug", "performance", "usability", "pricing", "ads", "privacy", "feature_request"]
    gold = [sorted(rng.choice(labels, int(rng.integers(0, 4)), replace=False).tolist())
            for _ in range(RECORDS)]
    r = fast_random(rng)
    answers = [[sorted({x for x in g if r.random() >= 0.2}
                       | ({r.choice(labels)} if r.random() < 0.2 else set()))
                for g in gold] for _ in range(n)]
    records = [{"id": f"r{i:03d}", "text": f"review {i}"} for i in range(RECORDS)]
    spec = TaskSpec("multilabel", {"labels": labels}, records,
                    [{"id": r["id"], "labels": g} for r, g in zip(records, gold, strict=True)])
    return gold, answers, spec


def ranking_case(rng, n):
    items = ["c1", "c2", "c3", "c4"]
    gold = [rng.permutation(items).tolist() for _ in range(RECORDS)]
    r = fast_random(rng)
    answers = [[g if r.random() < 0.5 else r.sample(g, len(g)) for g in gold] for _ in range(n)]
    records = [{"id": f"r{i:03d}", "prompt": "p", "candidates": [{"id": c, "text": c} for c in items]}
               for i in range(RECORDS)]
    spec = TaskSpec("ranking", None, records,
                    [{"id": r["id"], "order": g} for r, g in zip(records, gold, strict=True)])
    return gold, answers, spec


# -- cases ----------------------------------------------------------------------------------------

def responses_of(spec, answers, n):
    ids = [r["id"] for r in spec.records]
    return {c: dict(zip(ids, row, strict=True)) for c, row in enumerate(answers[:n])}


def make_cases(rng, n_max):
    from scipy import stats
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import cohen_kappa_score, f1_score, jaccard_score
    from sklearn.preprocessing import MultiLabelBinarizer

    def task_runner(spec, answers):
        prepared = get_task_type(spec.task_type).prepare(spec)
        return lambda n: (lambda responses: (lambda: prepared.task_type.score_many(prepared, responses)))(
            responses_of(spec, answers, n))

    cases = []
    gold, answers, spec = label_case(rng, n_max, "classification")
    cases.append(Case(
        "classification",
        lambda n, g=gold, a=answers: batch.LabelBatch(g, a[:n]).macro_f1(),
        lambda c, g=gold, a=answers: lambda: f1_score(
            g, a[c], average="macro", labels=sorted(set(g) | set(a[c])), zero_division=0),
        task_runner(spec, answers),
    ))
    gold, answers, spec = label_case(rng, n_max, "rating")
    cases.append(Case(
        "rating",
        lambda n, g=gold, a=answers: batch.LabelBatch(g, a[:n], labels=range(1, 6)).cohen_kappa(
            "quadratic"),
        lambda c, g=gold, a=answers: lambda: cohen_kappa_score(
            g, a[c], weights="quadratic", labels=[1, 2, 3, 4, 5]),
        task_runner(spec, answers),
    ))
    texts, gold, answers, spec = ner_case(rng, n_max)
    cases.append(Case(
        "ner",
        lambda n, g=gold, a=answers: batch.SpanBatch(g, a[:n]).prf()["f1"],
        lambda c, t=texts, g=gold, a=answers: seqeval_call(t, g, a[c]),
        task_runner(spec, answers),
    ))
    for unit, name in (("char", "transcription-cer"), ("word", "transcription-wer")):
        refs, answers, spec = text_case(rng, n_max, unit)
        cases.append(Case(
            name,
            lambda n, r=refs, a=answers, u=unit: batch.TextBatch(r, a[:n], unit=u).rates(),
            lambda c, r=refs, a=answers, u=unit: jiwer_call(r, a[c], u),
            task_runner(spec, answers),
        ))
    gold, answers, spec = bbox_case(rng, n_max)
    cases.append(Case(
        "bbox",
        lambda n, g=gold, a=answers: batch.BoxBatch(g, a[:n], 0.5).prf()["f1"],
        lambda c, g=gold, a=answers: coco_call(g, a[c], linear_sum_assignment),
        task_runner(spec, answers),
    ))
    gold, answers, spec = multilabel_case(rng, n_max)
    binariser = MultiLabelBinarizer(classes=spec.config["labels"]).fit([])
    gold_matrix = binariser.transform(gold)
    cases.append(Case(
        "multilabel",
        lambda n, g=gold, a=answers: batch.SetBatch(g, a[:n]).jaccard_samples(),
        lambda c, a=answers: lambda: jaccard_score(gold_matrix, binariser.transform(a[c]),
                                                   average="samples", zero_division=1.0),
        task_runner(spec, answers),
    ))
    gold, answers, spec = ranking_case(rng, n_max)
    cases.append(Case(
        "ranking",
        lambda n, g=gold, a=answers: batch.RankingBatch(g, a[:n]).spearman.mean(axis=1),
        lambda c, g=gold, a=answers: lambda: float(np.mean([
            stats.spearmanr(range(len(order)), [answer.index(x) for x in order]).statistic
            for order, answer in zip(g, a[c], strict=True)])),
        task_runner(spec, answers),
    ))
    return cases


def seqeval_call(texts, gold, answer):
    from seqeval.metrics.v1 import precision_recall_fscore_support
    from seqeval.scheme import IOB2

    def tags(length, spans):
        out = ["O"] * length
        for s, e, label in spans:
            out[s] = f"B-{label}"
            out[s + 1:e] = [f"I-{label}"] * (e - s - 1)
        return out

    y_true = [tags(len(t), g) for t, g in zip(texts, gold, strict=True)]
    y_pred = [tags(len(t), a) for t, a in zip(texts, answer, strict=True)]
    return lambda: precision_recall_fscore_support(y_true, y_pred, average="micro", scheme=IOB2,
                                                   zero_division=0)[2]


def jiwer_call(refs, hyps, unit):
    import jiwer

    rate = jiwer.cer if unit == "char" else jiwer.wer
    return lambda: float(rate(refs, hyps))


def coco_call(gold, answer, linear_sum_assignment):
    import pycocotools.mask

    images = [(np.array([b[:4] for b in g], float), np.array([b[:4] for b in a], float),
               np.array([[x[4] == y[4] for y in a] for x in g], bool).reshape(len(g), len(a)))
              for g, a in zip(gold, answer, strict=True)]
    n_gold, n_pred = sum(map(len, gold)), sum(map(len, answer))

    def call():
        hits = 0
        for g, p, same_label in images:
            if not len(g) or not len(p):
                continue
            iou = pycocotools.mask.iou(p, g, [0] * len(g)).T
            eligible = same_label & (iou >= 0.5)
            rows, cols = linear_sum_assignment(np.where(eligible, len(g) + len(p) + iou, 0),
                                               maximize=True)
            hits += int(eligible[rows, cols].sum())
        return 2 * hits / (n_gold + n_pred)

    return call


# -- timing ---------------------------------------------------------------------------------------

def time_certify(case, n):
    runs, values = [], None
    for _ in range(3):
        start = time.perf_counter()
        values = case.certify(n)
        runs.append(time.perf_counter() - start)
        if runs[-1] > 5:
            break
    return statistics.median(runs), values


def time_reference(case, n, budget, rng):
    """Seconds for n candidates (measured, or extrapolated from a sample), values, sample size."""
    probe = list(range(min(n, 20)))
    seconds, values = _run_reference(case, probe)
    estimate = seconds / len(probe) * n
    sample = list(range(n))
    if estimate > budget:
        size = max(len(probe), min(n, int(budget / 2 / (seconds / len(probe)))))
        sample = sorted(rng.choice(n, size, replace=False).tolist())
    seconds, values = _run_reference(case, sample)
    return seconds / len(sample) * n, dict(zip(sample, values, strict=True)), len(sample)


def _run_reference(case, candidates):
    total, values = 0.0, []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for c in candidates:
            call = case.reference(c)  # untimed: input conversion only the reference needs
            start = time.perf_counter()
            values.append(call())
            total += time.perf_counter() - start
    return total, values


def time_task(case, n):
    call = case.task(n)
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 candidates only")
    parser.add_argument("--candidates", type=int, nargs="+", help="candidate counts (default 1000 10000)")
    parser.add_argument("--types", nargs="+", help="only these rows, e.g. ner bbox")
    parser.add_argument("--reference-budget", type=float, default=120.0,
                        help="seconds a reference loop may take before it is sampled (default 120)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    sizes = args.candidates or ([1000] if args.quick else [1000, 10000])
    rng = np.random.default_rng(args.seed)
    print(f"generating answers for {max(sizes):,} candidates × {RECORDS} records "
          f"(bbox: {IMAGES} images × ~5 boxes) …", flush=True)
    cases = [c for c in make_cases(rng, max(sizes)) if not args.types or c.name in args.types]
    # The generated answers are millions of objects that live until the end; keep the garbage
    # collector from walking them again and again while either side is timed.
    gc.freeze()
    header = (f"{'type':<18} {'cands':>6} {'certify batch':>13} {'reference loop':>15} {'ratio':>8} "
              f"{'target':>7} {'met':>4} {'task e2e':>9} {'max |Δ|':>8}")
    print(header)
    print("-" * len(header))
    notes = []
    for case in cases:
        for n in sizes:
            certify_s, values = time_certify(case, n)
            reference_s, reference_values, sampled = time_reference(case, n, args.reference_budget, rng)
            task_s = time_task(case, n)
            delta = max(abs(values[c] - v) for c, v in reference_values.items())
            ratio = reference_s / certify_s
            target = TARGETS.get(case.name)
            met = "-" if target is None else ("yes" if ratio >= target else "NO")
            mark = "" if sampled == n else "~"
            if mark:
                notes.append(f"~ {case.name} × {n:,}: reference loop timed on {sampled:,} "
                             f"candidates and extrapolated to {n:,}")
            print(f"{case.name:<18} {n:>6,} {certify_s:>12.3f}s {mark:>1}{reference_s:>13.2f}s "
                  f"{ratio:>7.1f}× {'' if target is None else f'≥{target}×':>7} {met:>4} "
                  f"{task_s:>8.2f}s {delta:>8.1e}", flush=True)
    print()
    print("certify batch: median of 3 runs (1 when a run takes over 5 s); reference loop: one run,")
    print("  input conversion for the reference (IOB2 tags, numpy boxes) prepared outside the timer.")
    print("task e2e: TaskType.score_many with response validation and per-record results (one run).")
    print("The generated answers are frozen out of garbage collection (gc.freeze) before timing.")
    print("max |Δ|: largest difference between certify's and the reference's values over the")
    print("  candidates the reference scored (metric: macro-F1, quadratic κ, span F1, CER, WER,")
    print("  box F1, mean Jaccard, mean Spearman).")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
