"""The lint report as text lines (what ``flask --app certify lint-bank`` prints without ``--json``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from certify.banks.lint.pool import KEY_LONGEST_SHARE, TRUE_SHARE
from certify.reports.bank_lint import BankReport, PoolReport


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def pool_lines(pool: PoolReport) -> Iterator[str]:
    s = pool.stats
    types = ", ".join(f"{t} {n}" for t, n in sorted(s.by_type.items()))
    yield f"Level {pool.level} · {pool.language} · {s.items} items ({types})"
    yield (f"  test-wise (longest option + always true): {s.testwise_pct:.1f} % · random "
           f"guessing: {s.chance_pct:.1f} % · margin {s.margin:+.1f} points (target ≤ +5)")
    yield (f"  key is the longest option: {s.key_longest}/{s.single} single-choice items "
           f"({_pct(s.key_longest_share)}; target ≤ {KEY_LONGEST_SHARE:.0%}), "
           f"{s.key_much_longer} of them ≥ 30 % longer")
    yield (f"  true/false keys true: {s.true_keys}/{s.true_false} ({_pct(s.true_share)}; target "
           f"{TRUE_SHARE[0]:.0%}–{TRUE_SHARE[1]:.0%})")
    counts = ", ".join(f"{k} keys: {v}" for k, v in sorted(s.multiple_key_counts.items())) or "–"
    yield f"  multiple-choice key counts: {counts}"
    positions = ", ".join(f"{k} {v}" for k, v in sorted(s.key_positions.items())) or "–"
    yield f"  single-choice key positions (authored order): {positions}"
    yield (f"  near-duplicate pairs (≥ 0.5): {len(s.near_duplicates)} · overlapping pairs "
           f"(0.3–0.5): {len(s.overlaps)}")
    for a, b, sim in s.near_duplicates:
        yield f"    {a} ~ {b}  {sim:.2f}"
    forms = pool.forms
    if forms is not None:
        if forms.drawn:
            worst = forms.worst or 0
            size = "the full paper" if forms.fraction == 1 else f"{forms.fraction} of the paper"
            yield (f"  drawn forms: {forms.drawn} of {size} ({forms.definition}); test-wise mean "
                   f"{sum(forms.testwise) / forms.drawn:.1f} %, worst form {forms.testwise[worst]:.1f} "
                   f"% against {forms.chance[worst]:.1f} % by guessing "
                   f"(margin {forms.margins[worst]:+.1f})")
        else:
            yield f"  drawn forms: none — the pool cannot supply even a tenth of {forms.definition}"
        short = [slot for slot in forms.slots if slot.short]
        yield (f"  slots of the default paper: {len(forms.slots)}; below the quota (twice one "
               f"paper): {len(short)}; unable to fill one paper: {forms.unfillable}")
    for finding in pool.findings:
        yield f"  {finding.severity.upper():8} {finding.code}: {finding.message()}"


def lines(report: BankReport, *, items: bool = True,
          gettext: Callable[[str], str] | None = None) -> Iterator[str]:
    """The whole report, pools first, then (``items``) every item finding."""
    for pool in report.pools:
        yield from pool_lines(pool)
        yield ""
    if items:
        for ref, found in report.items.items():
            for finding in found:
                yield f"{finding.severity.upper():8} {ref} {finding.code}: " \
                      f"{finding.message(gettext)}"
    yield (f"{len(report.levels_of)} items checked: {report.blocking} blocking finding(s), "
           f"{report.warnings} warning(s)")
