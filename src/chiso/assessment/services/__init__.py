"""The internal-ranking cycle: frameworks, rounds, self-assessment, appraisal, answers, final
scores, approval, decision, publication and revisions. Every score and rank comes from the engine
(:class:`chiso.engine.points.PointsFramework`); this module stores and moves things.

Every function that changes data runs in one transaction, writes its audit rows and either does
all of it or nothing (a :class:`Refused` carries the Vietnamese reason, per field where it has one).

The package's modules, one per section: base, frameworks, units, rounds, self_assessment, appraisal, steps, revisions, totals, reading, problems. Import from the package."""

from __future__ import annotations

from chiso.engine.errors import FrameworkError as FrameworkError
from chiso.engine.errors import InputError as InputError
from chiso.lib.refusal import Forbidden as Forbidden
from chiso.lib.refusal import Refused as Refused

from .appraisal import (
    _APPRAISAL as _APPRAISAL,
)
from .appraisal import (
    _FINAL as _FINAL,
)
from .appraisal import (
    _points_in as _points_in,
)
from .appraisal import (
    _ScoreStep as _ScoreStep,
)
from .appraisal import (
    _set_scores as _set_scores,
)
from .appraisal import (
    answer as answer,
)
from .appraisal import (
    appraise as appraise,
)
from .appraisal import (
    decide_final as decide_final,
)
from .base import (
    S as S,
)
from .base import (
    _bump as _bump,
)
from .base import (
    _lock as _lock,
)
from .base import (
    entry_has_evidence as entry_has_evidence,
)
from .frameworks import (
    _PFW_CACHE as _PFW_CACHE,
)
from .frameworks import (
    _SLUG as _SLUG,
)
from .frameworks import (
    _copy_text as _copy_text,
)
from .frameworks import (
    copy as copy,
)
from .frameworks import (
    import_shipped as import_shipped,
)
from .frameworks import (
    invalid as invalid,
)
from .frameworks import (
    parse_text as parse_text,
)
from .frameworks import (
    parse_yaml as parse_yaml,
)
from .frameworks import (
    pfw_for_text as pfw_for_text,
)
from .frameworks import (
    round_pfw as round_pfw,
)
from .frameworks import (
    shipped_internal as shipped_internal,
)
from .frameworks import (
    update_yaml as update_yaml,
)
from .problems import (
    _NODE_OF as _NODE_OF,
)
from .problems import (
    _PROBLEMS_VI as _PROBLEMS_VI,
)
from .problems import (
    INPUT_ERRORS as INPUT_ERRORS,
)
from .problems import (
    input_error_vi as input_error_vi,
)
from .problems import (
    node_lines as node_lines,
)
from .problems import (
    problem_vi as problem_vi,
)
from .problems import (
    problems_vi as problems_vi,
)
from .problems import (
    problems_with_lines as problems_with_lines,
)
from .reading import (
    CardGroup as CardGroup,
)
from .reading import (
    CardLine as CardLine,
)
from .reading import (
    ResultRow as ResultRow,
)
from .reading import (
    board_counts as board_counts,
)
from .reading import (
    display_raw as display_raw,
)
from .reading import (
    gap_history as gap_history,
)
from .reading import (
    pending_answers as pending_answers,
)
from .reading import (
    previous_round as previous_round,
)
from .reading import (
    ranked_count as ranked_count,
)
from .reading import (
    results as results,
)
from .reading import (
    scorecard as scorecard,
)
from .revisions import (
    revise as revise,
)
from .rounds import (
    create_round as create_round,
)
from .rounds import (
    remove_unit as remove_unit,
)
from .rounds import (
    set_council as set_council,
)
from .rounds import (
    set_unit as set_unit,
)
from .self_assessment import (
    Conflict as Conflict,
)
from .self_assessment import (
    Newer as Newer,
)
from .self_assessment import (
    _check_stage as _check_stage,
)
from .self_assessment import (
    _normalise as _normalise,
)
from .self_assessment import (
    _score_self as _score_self,
)
from .self_assessment import (
    _typed_text as _typed_text,
)
from .self_assessment import (
    add_document as add_document,
)
from .self_assessment import (
    add_evidence_file as add_evidence_file,
)
from .self_assessment import (
    check_evidence_editable as check_evidence_editable,
)
from .self_assessment import (
    delete_evidence as delete_evidence,
)
from .self_assessment import (
    raw_from_post as raw_from_post,
)
from .self_assessment import (
    reopen as reopen,
)
from .self_assessment import (
    rescore_entry as rescore_entry,
)
from .self_assessment import (
    save_self as save_self,
)
from .self_assessment import (
    submit as submit,
)
from .steps import (
    TRANSITIONS as TRANSITIONS,
)
from .steps import (
    Coalesce0 as Coalesce0,
)
from .steps import (
    _notify as _notify,
)
from .steps import (
    may_transition as may_transition,
)
from .steps import (
    set_decision as set_decision,
)
from .steps import (
    transition as transition,
)
from .totals import (
    _recompute_locked as _recompute_locked,
)
from .totals import (
    recompute as recompute,
)
from .units import (
    ensure_commune_agencies as ensure_commune_agencies,
)
from .units import (
    tier_agencies as tier_agencies,
)
