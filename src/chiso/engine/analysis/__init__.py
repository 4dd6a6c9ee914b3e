"""chiso.engine.analysis — what-if, rank-move attribution, target seeking,
uncertainty and sensitivity analysis, statistical audit.

numpy/scipy only, like the rest of :mod:`chiso.engine`.
"""

from __future__ import annotations

from .model import Assumptions, Model, rank_rows
from .sensitivity import SensitivityResult, SobolIndices, sensitivity, sobol_indices
from .uncertainty import UncertaintyResult, uncertainty

__all__ = [
    "Assumptions",
    "Model",
    "SensitivityResult",
    "SobolIndices",
    "UncertaintyResult",
    "rank_rows",
    "sensitivity",
    "sobol_indices",
    "uncertainty",
]
