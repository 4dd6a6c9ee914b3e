"""chiso.engine.analysis — what-if, rank-move attribution, target seeking,
uncertainty and sensitivity analysis, statistical audit.

numpy/scipy only, like the rest of :mod:`chiso.engine`.
"""

from __future__ import annotations

from .attribution import RankMove, rank_move
from .audit import AuditReport, audit, cronbach_alpha
from .model import Assumptions, Model, rank_rows
from .sensitivity import SensitivityResult, SobolIndices, sensitivity, sobol_indices
from .target import Lever, TargetPlan, gain_caps, improving_directions, optimal_note, parse_lever, seek_target
from .uncertainty import UncertaintyResult, uncertainty
from .whatif import WhatIf, parse_change, whatif

__all__ = [
    "Assumptions",
    "AuditReport",
    "Lever",
    "RankMove",
    "TargetPlan",
    "WhatIf",
    "audit",
    "cronbach_alpha",
    "gain_caps",
    "improving_directions",
    "optimal_note",
    "parse_change",
    "parse_lever",
    "rank_move",
    "seek_target",
    "whatif",
    "Model",
    "SensitivityResult",
    "SobolIndices",
    "UncertaintyResult",
    "rank_rows",
    "sensitivity",
    "sobol_indices",
    "uncertainty",
]
