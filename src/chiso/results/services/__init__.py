"""Results logic shared by pages, management commands and the API.

- ``parse_table`` reads a published table (CSV/.xlsx) and matches unit names; it writes nothing
  (the preview and the dry-run are the same call).  ``save_table`` writes a checked preview in one
  transaction with one audit row: all or nothing.
- ``run_from_table`` computes the index on published values of every province.
- ``run_from_round`` computes the province's index from its approved collected values; peers' raw
  values are unknown, so indicators are scored against goalposts (entered by the department or
  fitted on the last published edition) and the page says so.
Every run stores its inputs, goalposts and the engine's recipe, so it can be replayed.

The package's modules, one per section: base, messages, published, province, computing, targets, today. Import from the package."""

from __future__ import annotations

from .base import (
    DEFAULT_TARGET_BASIS as DEFAULT_TARGET_BASIS,
)
from .base import (
    DEFAULT_TARGET_RANK as DEFAULT_TARGET_RANK,
)
from .base import (
    DEMO_LABEL as DEMO_LABEL,
)
from .computing import (
    _RATE_MARKS as _RATE_MARKS,
)
from .computing import (
    _RATE_WORDS as _RATE_WORDS,
)
from .computing import (
    COMBINE_RULES as COMBINE_RULES,
)
from .computing import (
    _f as _f,
)
from .computing import (
    _matrix_json as _matrix_json,
)
from .computing import (
    _store as _store,
)
from .computing import (
    _summary as _summary,
)
from .computing import (
    combine as combine,
)
from .computing import (
    combine_rule as combine_rule,
)
from .computing import (
    fitted_goalposts as fitted_goalposts,
)
from .computing import (
    goalposts_for as goalposts_for,
)
from .computing import (
    main_table as main_table,
)
from .computing import (
    province_values as province_values,
)
from .computing import (
    run_from_table as run_from_table,
)
from .messages import (
    _vn_iso as _vn_iso,
)
from .messages import (
    engine_message as engine_message,
)
from .province import (
    home_province as home_province,
)
from .province import (
    target_for as target_for,
)
from .published import (
    CellError as CellError,
)
from .published import (
    PreviewRow as PreviewRow,
)
from .published import (
    TablePreview as TablePreview,
)
from .published import (
    _add_problems as _add_problems,
)
from .published import (
    _problem_message as _problem_message,
)
from .published import (
    parse_table as parse_table,
)
from .published import (
    save_table as save_table,
)
from .targets import (
    GOALPOST_RULES as GOALPOST_RULES,
)
from .targets import (
    LO_OPTIONAL_RULES as LO_OPTIONAL_RULES,
)
from .targets import (
    GoalpostEntry as GoalpostEntry,
)
from .targets import (
    goalpost_indicators as goalpost_indicators,
)
from .targets import (
    max_rank as max_rank,
)
from .targets import (
    partial_coverage as partial_coverage,
)
from .targets import (
    replay as replay,
)
from .targets import (
    run_from_round as run_from_round,
)
from .targets import (
    save_goalposts as save_goalposts,
)
from .targets import (
    set_target as set_target,
)
from .today import (
    Point as Point,
)
from .today import (
    _merged_point as _merged_point,
)
from .today import (
    _provinces_in_force as _provinces_in_force,
)
from .today import (
    position_today as position_today,
)
