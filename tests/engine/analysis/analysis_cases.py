from __future__ import annotations

import numpy as np

from chiso.engine.framework import Framework


def small_fw() -> Framework:
    """Four indicators, one of each piecewise shape, equal weights."""
    return Framework.from_dict({
        "id": "t-small", "name": "t", "edition": 2000, "status": "provisional",
        "root": {"code": "idx", "method": "weighted_mean", "children": [
            {"code": "a", "scoring": "ratio_to_max", "range": [0, 10]},
            {"code": "b", "scoring": {"rule": "threshold", "steps": [[2, 0.5], [4, 1.0]]}, "range": [0, 5]},
            {"code": "c", "scoring": {"rule": "goalposts", "lo": 2, "hi": 10}, "range": [0, 10]},
            {"code": "d", "scoring": "minmax", "range": [0, 10]},
        ]},
    })


def random_data(seed: int, n_units: int = 6) -> tuple[list[str], list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    vals = np.column_stack([
        rng.integers(1, 9, n_units), rng.integers(0, 5, n_units), rng.integers(0, 9, n_units),
        rng.integers(1, 9, n_units),
    ]).astype(float)
    return [f"U{i}" for i in range(n_units)], ["a", "b", "c", "d"], vals
