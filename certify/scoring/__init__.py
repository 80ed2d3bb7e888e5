"""Pure scoring core for practical tasks: metrics, batch scoring and scoring policies.

Imports only numpy, scipy and the standard library (no Flask, no database, no reference libraries),
so it is tested without an app and benchmarked without a server.

- :mod:`certify.scoring.metrics` — one candidate's answers against gold; each function agrees with a
  reference library (scikit-learn, seqeval, pycocotools, jiwer, scipy) within 1e-9, and computes
  through the batch classes (a batch of one), so there is one implementation of each metric.
- :mod:`certify.scoring.batch` — the same metrics for many candidates at once, vectorised.
- :mod:`certify.scoring.policy` — how a metric becomes 0–100 points.
- helpers: :mod:`~certify.scoring.boxes` (IoU and one-to-one box matching, single and batch),
  :mod:`~certify.scoring.edit_distance` (Levenshtein: textbook, and bit-parallel over many pairs),
  :mod:`~certify.scoring.counts` (precision/recall/F1 from match counts, kappa's weights),
  :mod:`~certify.scoring.units` (the words and characters transcriptions are scored in),
  :mod:`~certify.scoring.gcpause` (pausing the cyclic GC around bursts of small objects).

A score is never NaN. Where a reference library returns NaN, warns or raises, certify uses:

=====================================  ==========================  ================================
case                                   reference                   certify
=====================================  ==========================  ================================
Cohen's kappa, both sides one and the  sklearn: NaN + warning      1.0 (every item agrees; chance
same label (chance agreement certain)                              correction is undefined)
Jaccard, an item with both sets empty  sklearn: 0.0 + warning      1.0 for that item ("no label
                                                                   applies" answered correctly)
spans/boxes: no gold and no            seqeval: 0.0 + warning      precision = recall = F1 = 1.0,
predictions at all (or in a record)                                mean IoU = 1.0
spans/boxes: predictions but no gold   seqeval: recall 0.0 + warn  recall 0.0 (so F1 0.0), as
                                                                   with ``zero_division=0``
spans/boxes: gold but no predictions   seqeval: precision 0.0 +    precision 0.0 (so F1 0.0), as
                                       warning                     with ``zero_division=0``
WER/CER, references with no words or   jiwer: number of inserted   the same: edits / max(reference
characters at all                      units (not a rate)          units, 1); empty lists → 0.0
Spearman / Kendall, one side constant  scipy: NaN (+ warning)      0.0 (no association)
Spearman / Kendall, both constant      scipy: NaN (+ warning)      1.0 (both order items alike:
(including a single item)                                          not at all)
accuracy, macro-F1, kappa, Jaccard,    sklearn raises / scipy NaN  ``ValueError``: there is no
Spearman, Kendall with zero items                                  value; a task has ≥ 1 record
kappa with a value outside ``labels``  sklearn drops the item      ``ValueError``
IoU with an empty side                 pycocotools: ``[]``         a (n, 0) or (0, n) array
=====================================  ==========================  ================================

A missing answer counts as the worst answer for its record (see :mod:`certify.scoring.batch`).
"""

from certify.scoring.metrics import (
    accuracy,
    box_iou_matrix,
    cer,
    cohen_kappa,
    jaccard_samples,
    kendall_tau,
    macro_f1,
    match_boxes,
    span_prf,
    span_prf_by_label,
    spearman,
    wer,
)
from certify.scoring.policy import (
    LinearPolicy,
    Policy,
    PolicyError,
    ThresholdPolicy,
    parse_policy,
    quality,
)

__all__ = [
    "LinearPolicy",
    "Policy",
    "PolicyError",
    "ThresholdPolicy",
    "accuracy",
    "box_iou_matrix",
    "cer",
    "cohen_kappa",
    "jaccard_samples",
    "kendall_tau",
    "macro_f1",
    "match_boxes",
    "parse_policy",
    "quality",
    "span_prf",
    "span_prf_by_label",
    "spearman",
    "wer",
]
