"""Statistical audit of a framework on a data set (coverage, distributions, correlations, reliability)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from ..compute import compute, plan_of
from ..framework import Framework

__all__ = ["AuditReport", "audit", "cronbach_alpha"]

SKEW_LIMIT = 2.0
KURT_LIMIT = 3.5
COLLINEAR = 0.92


def cronbach_alpha(x: Any) -> float:
    """Cronbach's alpha of the columns of ``x`` (n_units, k), rows with a missing value dropped.

    ``alpha = k / (k - 1) * (1 - sum(var_i) / var(sum_i x_i))`` (sample variances).

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2], [2, 3], [3, 5]]), 4)  # 2 (1 - (1 + 7/3) / (19/3))
    0.9474
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a).any(axis=1)]
    k = a.shape[1]
    if k < 2 or a.shape[0] < 2:
        return float("nan")
    tot = np.var(a.sum(axis=1), ddof=1)
    if tot == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.var(a, axis=0, ddof=1).sum() / tot))


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~np.isnan(a) & ~np.isnan(b)
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


@dataclass
class AuditReport:
    """What :func:`audit` found.

    Attributes
    ----------
    units : list of dict
        ``unit, coverage`` (share of needed indicators with a value).
    indicators : list of dict
        ``code, parent, coverage, n, skew, kurtosis, treated, flags, corr_parent, best_other,
        corr_best_other``: skew and kurtosis of the raw values (what a treatment is decided on),
        ``treated`` how the framework's outlier treatment changed them (``winsorise``, ``log`` or None),
        correlations of the scores (after treatment and scale).
    components : list of dict
        ``code, k, alpha, mean_corr, flags`` for every aggregate node.
    flags : list of str
        Every flag in plain words.
    """

    units: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def audit(
    framework: Framework,
    data: Any,
    *,
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    missing: Any = "reweight",
) -> AuditReport:
    """Audit coverage, distributions and correlations of a framework's indicators.

    * coverage per unit and per indicator (of the values the index needs);
    * skew and (excess) kurtosis per indicator, flagged when ``|skew| > 2``
      and ``kurtosis > 3.5`` together (the usual rule for outliers that may
      need treatment);
    * correlations of each indicator's score with its own parent and with
      every other node at its parent's depth — flagged when negative within
      its component, or higher with another component than with its own;
      pairs of siblings correlated above 0.92 are flagged as collinear;
    * Cronbach's alpha of each aggregate node's children.

    Correlations and alpha read the scores, so they do not change when every
    indicator is mapped onto the same ``scale`` (an affine map); alpha does when
    siblings have different scales (their variances weigh differently).

    Parameters
    ----------
    missing : default "reweight"
        The audit needs scores despite gaps; coverage reports them.

    Returns
    -------
    AuditReport
    """
    res = compute(framework, data, units=units, codes=codes, missing=missing)
    plan = plan_of(framework)
    n_u = len(res.units)
    depth = np.zeros(len(plan.codes), dtype=int)
    for j in range(1, len(plan.codes)):
        depth[j] = depth[plan.parent[j]] + 1
    needed_ind = [j for j in range(len(plan.codes)) if plan.nodes[j].is_indicator and plan.nodes[j].weight > 0]
    needed_ind = [j for j in needed_ind if not np.all(res.given[:, _ancestors(plan, j)].any(axis=1))] if needed_ind else []
    rep = AuditReport()
    treated = {t["code"]: t["method"] for t in res.treatment_report}
    if needed_ind:
        have = ~np.isnan(res.raw[:, needed_ind])
        for i, unit in enumerate(res.units):
            cov = float(have[i].mean())
            rep.units.append({"unit": unit, "coverage": round(cov, 4), "missing": int((~have[i]).sum())})
            if cov < 0.66:
                rep.flags.append(f"unit {unit!r}: only {cov:.0%} of the indicators have a value")
    for j in needed_ind:
        code = plan.codes[j]
        x = res.raw[:, j]
        present = x[~np.isnan(x)]
        cov = present.size / n_u
        flags = []
        sk = ku = float("nan")
        if present.size >= 3 and np.ptp(present) > 0:
            sk = float(stats.skew(present, bias=False))
            ku = float(stats.kurtosis(present, bias=False)) if present.size >= 4 else float("nan")
            if abs(sk) > SKEW_LIMIT and ku > KURT_LIMIT:
                flags.append("skewed")
        elif present.size:
            flags.append("constant")
        if cov < 0.66:
            flags.append("low coverage")
        p = plan.parent[j]
        cp = _corr(res.scores[:, j], res.scores[:, p]) if p >= 0 else float("nan")
        others = [q for q in range(len(plan.codes)) if depth[q] == depth[p] and q != p] if p >= 0 else []
        best, best_c = None, float("nan")
        for q in others:
            c = _corr(res.scores[:, j], res.scores[:, q])
            if not np.isnan(c) and (np.isnan(best_c) or c > best_c):
                best, best_c = plan.codes[q], c
        if not np.isnan(cp) and cp < 0:
            flags.append("negative correlation with its component")
        if best is not None and not np.isnan(cp) and best_c > cp:
            flags.append(f"correlates more with {best}")
        rep.indicators.append({
            "code": code, "parent": plan.codes[p] if p >= 0 else None, "coverage": round(cov, 4),
            "n": int(present.size), "skew": _r(sk), "kurtosis": _r(ku), "treated": treated.get(code),
            "corr_parent": _r(cp),
            "best_other": best, "corr_best_other": _r(best_c), "flags": flags,
        })
        for f in flags:
            rep.flags.append(f"indicator {code!r}: {f}")
    for j in range(len(plan.codes)):
        kids = plan.children[j]
        if kids.size == 0 or np.all(res.given[:, j]):
            continue
        x = res.scores[:, kids]
        alpha = cronbach_alpha(x) if kids.size >= 2 else float("nan")
        cors = []
        flags = []
        for a in range(kids.size):
            for b in range(a + 1, kids.size):
                c = _corr(x[:, a], x[:, b])
                if not np.isnan(c):
                    cors.append(c)
                    if c > COLLINEAR:
                        flags.append(f"collinear: {plan.codes[kids[a]]}, {plan.codes[kids[b]]} (r = {c:.2f})")
        if not np.isnan(alpha) and alpha < 0.7:
            flags.append(f"low internal consistency (alpha = {alpha:.2f})")
        rep.components.append({"code": plan.codes[j], "k": int(kids.size), "alpha": _r(alpha),
                               "mean_corr": _r(float(np.mean(cors)) if cors else float("nan")), "flags": flags})
        for f in flags:
            rep.flags.append(f"component {plan.codes[j]!r}: {f}")
    return rep


def _ancestors(plan: Any, j: int) -> list[int]:
    out = []
    while plan.parent[j] >= 0:
        j = plan.parent[j]
        out.append(j)
    return out or [0]


def _r(v: float) -> float | None:
    return None if v is None or np.isnan(v) else round(float(v), 4)
