"""Synthetic frameworks and data sets for tests and benchmarks.

Every data set built here is **generated demonstration data**: the returned
:class:`SyntheticData` says so in ``label`` and its units are named
``"Synthetic 01"`` ... so that nobody mistakes them for published figures.

The shapes are the reference workloads of issue 3:

* workload A: 63 units x 32 indicators (4 components x 8 log-normal
  indicators, min–max, arithmetic means);
* workload B: 51 units x 49 indicators in a 4-level index (index -> 3 pillars
  -> 12 components -> 49 indicators), min–max, arithmetic means;
* a DTI-shaped framework: 9 main indices with the QĐ 922 maximum points and 98
  component indicators scored by thresholds, capped ratios, yes/no, fixed
  goalposts and ratio to the best province.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..framework import Framework
from .model import Assumptions

__all__ = [
    "ASEM_WINMAX",
    "SyntheticData",
    "asem_assumptions",
    "balanced_framework",
    "balanced_spec",
    "dti_like",
    "flat_workload",
    "workload_a",
    "workload_b",
]

DEMO_LABEL = "SYNTHETIC DEMONSTRATION DATA — not published figures"


@dataclass(frozen=True)
class SyntheticData:
    """A generated framework with values.

    Attributes
    ----------
    framework : Framework
    units : list of str
    codes : list of str
        Indicator codes (columns of ``values``).
    values : ndarray, shape (n_units, n_indicators)
    label : str
        Always says the data are synthetic.
    """

    framework: Framework
    units: list[str]
    codes: list[str]
    values: np.ndarray
    label: str = DEMO_LABEL

    def as_mapping(self) -> dict[str, dict[str, float]]:
        return {
            u: {c: float(v) for c, v in zip(self.codes, row) if not np.isnan(v)}
            for u, row in zip(self.units, self.values)
        }


def _units(n: int) -> list[str]:
    width = max(2, len(str(n)))
    return [f"Synthetic {i + 1:0{width}d}" for i in range(n)]


def balanced_framework(
    counts: Sequence[Sequence[int] | int],
    *,
    rule: str = "minmax",
    method: str = "weighted_mean",
    fid: str = "synthetic",
) -> Framework:
    """A framework whose tree is given by children counts per level (:func:`balanced_spec`, validated)."""
    return Framework.from_dict(balanced_spec(counts, rule=rule, method=method, fid=fid))


def balanced_spec(
    counts: Sequence[Sequence[int] | int],
    *,
    rule: str = "minmax",
    method: str = "weighted_mean",
    fid: str = "synthetic",
    level: str = "province",
) -> dict:
    """The framework definition (the mapping a framework YAML file holds) of :func:`balanced_framework`.

    The benchmarks write it to a YAML file to time the command line; ``level`` other than
    ``province`` keeps the command line from resolving the synthetic unit names against the
    province registry.

    Parameters
    ----------
    counts : sequence
        ``counts[0]`` is the number of the root's children; each further entry
        is either an int (same count under every node of the level above) or a
        list with one count per node of the level above.
        ``[4, 8]`` builds 4 components x 8 indicators.
    rule : str
        Scoring rule of every indicator.
    method : str
        Aggregation method of every aggregate node.

    level : str, default "province"
        The framework's ``level``.

    Returns
    -------
    dict
        Codes: root ``idx``, then ``c1``, ``c1.2``, ... ; indicators are the
        deepest codes.
    """
    level_nodes: list[list[dict]] = []
    # Equal weights of 1 are relative shares: ``normalise: true`` says so (no weights-not-one warning).
    root: dict = {"code": "idx", "name": {"en": "Synthetic index"}, "method": method, "normalise": True,
                  "children": []}
    parents = [root]
    for depth, spec in enumerate(counts):
        per = [spec] * len(parents) if isinstance(spec, int) else list(spec)
        if len(per) != len(parents):
            raise ValueError(f"level {depth + 1}: {len(per)} counts for {len(parents)} parents")
        nxt = []
        last = depth == len(counts) - 1
        for p, k in zip(parents, per):
            for i in range(k):
                code = f"c{i + 1}" if p is root else f"{p['code']}.{i + 1}"
                node: dict = {"code": code, "name": {"en": code}}
                if last:
                    node["scoring"] = rule
                    node["range"] = [0, None]
                else:
                    node["method"] = method
                    node["normalise"] = True
                    node["children"] = []
                p["children"].append(node)
                nxt.append(node)
        level_nodes.append(nxt)
        parents = nxt
    return {"id": fid, "name": {"en": "Synthetic framework"}, "edition": 2000, "status": "provisional",
            "level": level, "root": root, "missing": "error"}


def _lognormal(rng: np.random.Generator, n_units: int, n_ind: int) -> np.ndarray:
    # Different scales and spreads per indicator, as real indicators have.
    mu = rng.uniform(0.0, 3.0, n_ind)
    sigma = rng.uniform(0.3, 1.0, n_ind)
    return np.exp(mu + sigma * rng.standard_normal((n_units, n_ind)))


def workload_a(*, n_units: int = 63, seed: int = 1) -> SyntheticData:
    """Reference workload A: 63 units x 32 log-normal indicators (4 x 8), min–max, arithmetic."""
    fw = balanced_framework([4, 8], fid="synthetic-a")
    rng = np.random.default_rng(seed)
    codes = [n.code for n in fw.indicators]
    return SyntheticData(fw, _units(n_units), codes, _lognormal(rng, n_units, len(codes)))


def workload_b(*, n_units: int = 51, seed: int = 2) -> SyntheticData:
    """Reference workload B: 51 units x 49 indicators, 4 levels (index, 3 pillars, 12 components)."""
    comps = [5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]  # 49 indicators
    fw = balanced_framework([3, 4, comps], fid="synthetic-b")
    rng = np.random.default_rng(seed)
    codes = [n.code for n in fw.indicators]
    return SyntheticData(fw, _units(n_units), codes, _lognormal(rng, n_units, len(codes)))


def flat_workload(*, n_units: int = 10_000, n_indicators: int = 100, n_groups: int = 10,
                  seed: int = 3) -> SyntheticData:
    """A large two-level index (``n_groups`` components) for the plain-compute benchmark."""
    per = [n_indicators // n_groups + (1 if i < n_indicators % n_groups else 0) for i in range(n_groups)]
    fw = balanced_framework([n_groups, per], fid="synthetic-flat")
    rng = np.random.default_rng(seed)
    codes = [n.code for n in fw.indicators]
    return SyntheticData(fw, _units(n_units), codes, _lognormal(rng, n_units, len(codes)))


DTI_MAX = (100, 100, 100, 100, 100, 0, 200, 150, 150)
DTI_COUNTS = (10, 11, 7, 13, 12, 3, 22, 12, 8)


def dti_like(*, n_units: int = 63, seed: int = 4) -> SyntheticData:
    """A DTI-shaped framework (9 main indices, 98 indicators, 1000 points) with generated data.

    Indicator rules cycle through threshold tables (levels 0–4), capped ratios
    (target 100 %), yes/no, fixed goalposts (0–100) and ratio to the best
    province (range 0–100), so target seeking meets every piecewise case.
    """
    rules = ("threshold", "ratio_capped", "yes_no", "goalposts", "ratio_to_max")
    mains = []
    k = 0
    for m, (mx, cnt) in enumerate(zip(DTI_MAX, DTI_COUNTS)):
        kids = []
        for i in range(cnt):
            rule = rules[k % len(rules)]
            k += 1
            code = f"m{m + 1}.{i + 1}"
            node: dict = {"code": code, "name": {"en": code}, "max_points": 1.0 if mx == 0 else mx / cnt}
            if rule == "threshold":
                node.update(scoring={"rule": "threshold", "steps": [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1.0]]},
                            range=[0, 4])
            elif rule == "ratio_capped":
                node.update(scoring={"rule": "ratio_capped", "target": 100}, range=[0, 100])
            elif rule == "yes_no":
                node.update(scoring="yes_no", range=[0, 1])
            elif rule == "goalposts":
                node.update(scoring={"rule": "goalposts", "lo": 0, "hi": 100}, range=[0, 100])
            else:
                node.update(scoring="ratio_to_max", range=[0, 100])
            kids.append(node)
        mains.append({"code": f"m{m + 1}", "name": {"en": f"main {m + 1}"}, "method": "points_ratio",
                      "max_points": mx, "children": kids})
    data = {"id": "synthetic-dti", "name": {"en": "Synthetic DTI-shaped"}, "edition": 2022,
            "status": "provisional", "missing": "error", "rank_decimals": 4,
            "root": {"code": "dti", "name": {"en": "DTI"}, "method": "points_ratio", "children": mains}}
    fw = Framework.from_dict(data)
    rng = np.random.default_rng(seed)
    codes = [n.code for n in fw.indicators]
    vals = np.empty((n_units, len(codes)))
    for j, indicator in enumerate(fw.indicators):
        rule = indicator.scoring.rule if indicator.scoring else "given"
        if rule == "threshold":
            vals[:, j] = rng.integers(0, 4, n_units)
        elif rule == "yes_no":
            vals[:, j] = (rng.random(n_units) < 0.6).astype(float)
        else:
            vals[:, j] = np.round(np.clip(rng.normal(55, 18, n_units), 0, 95), 1)
    return SyntheticData(fw, _units(n_units), codes, vals)


#: The winsorisation limits COINr's ASEM study samples (points winsorised per indicator at most).
ASEM_WINMAX = (0, 1, 2, 3, 5)


def asem_assumptions() -> Assumptions:
    """The four factors of COINr's ASEM sensitivity study, on a 4-level index such as :func:`workload_b`.

    * treatment: winsorisation with ``winmax`` in {0, 1, 2, 3, 5} (a log transform when
      winsorising that far does not pass the skew/kurtosis test: the treatment's fallback);
    * normalisation: ``minmax[1,100]`` or ``zscore[10,2]`` (COINr's ``n_minmax`` c(1,100),
      ``n_zscore`` c(10,2));
    * weights: ±25 % at depths 1 and 2 (COINr's aggregation levels 3 and 2), one joint factor;
    * aggregation: arithmetic or geometric mean.
    """
    return Assumptions(
        treatment=tuple(f"winsorise:{k}" for k in ASEM_WINMAX),
        normalisation=("minmax[1,100]", "zscore[10,2]"),
        weights=0.25, weight_levels=(1, 2), joint_weights=True,
        aggregation=("arithmetic", "geometric"),
    )
