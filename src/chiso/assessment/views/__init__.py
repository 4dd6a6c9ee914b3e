"""Pages of the internal ranking (/xep-hang-noi-bo/). Thin: the cycle is in services, scoring and
ranking in the engine. Not yours -> 404; yours but not allowed now -> 403.

The package's modules, one per section: base, frameworks, rounds, sheet, evidence. Import from the package."""

from __future__ import annotations

from .base import (
    S as S,
)
from .base import (
    _demo as _demo,
)
from .base import (
    _department_only as _department_only,
)
from .base import (
    _entry_for as _entry_for,
)
from .base import (
    _on_form as _on_form,
)
from .base import (
    _participant_for as _participant_for,
)
from .base import (
    _refused as _refused,
)
from .base import (
    _round_for as _round_for,
)
from .evidence import (
    _delete_evidence as _delete_evidence,
)
from .evidence import (
    _evidence_done as _evidence_done,
)
from .evidence import (
    _evidence_for as _evidence_for,
)
from .evidence import (
    document_add as document_add,
)
from .evidence import (
    document_delete as document_delete,
)
from .evidence import (
    evidence_delete as evidence_delete,
)
from .evidence import (
    evidence_download as evidence_download,
)
from .evidence import (
    evidence_upload as evidence_upload,
)
from .frameworks import (
    _edition_detail as _edition_detail,
)
from .frameworks import (
    _framework_for as _framework_for,
)
from .frameworks import (
    _may_edit as _may_edit,
)
from .frameworks import (
    framework_copy as framework_copy,
)
from .frameworks import (
    framework_detail as framework_detail,
)
from .frameworks import (
    framework_edit as framework_edit,
)
from .frameworks import (
    framework_edition_copy as framework_edition_copy,
)
from .frameworks import (
    framework_import as framework_import,
)
from .frameworks import (
    frameworks as frameworks,
)
from .frameworks import (
    index as index,
)
from .rounds import (
    DOCUMENT_FORMATS as DOCUMENT_FORMATS,
)
from .rounds import (
    XLSX as XLSX,
)
from .rounds import (
    _board_body as _board_body,
)
from .rounds import (
    _document_job as _document_job,
)
from .rounds import (
    _document_request as _document_request,
)
from .rounds import (
    _file_response as _file_response,
)
from .rounds import (
    _last_signer as _last_signer,
)
from .rounds import (
    _sees_results as _sees_results,
)
from .rounds import (
    _who as _who,
)
from .rounds import (
    council as council,
)
from .rounds import (
    decision as decision,
)
from .rounds import (
    decision_file as decision_file,
)
from .rounds import (
    results as results,
)
from .rounds import (
    results_xlsx as results_xlsx,
)
from .rounds import (
    round_detail as round_detail,
)
from .rounds import (
    round_new as round_new,
)
from .rounds import (
    round_transition as round_transition,
)
from .rounds import (
    scorecards_file as scorecards_file,
)
from .rounds import (
    unit_history as unit_history,
)
from .rounds import (
    unit_remove as unit_remove,
)
from .rounds import (
    unit_settings as unit_settings,
)
from .sheet import (
    __all__ as __all__,
)
from .sheet import (
    _hides_appraisal as _hides_appraisal,
)
from .sheet import (
    _input_values as _input_values,
)
from .sheet import (
    _line as _line,
)
from .sheet import (
    _num as _num,
)
from .sheet import (
    _post_action as _post_action,
)
from .sheet import (
    _scores as _scores,
)
from .sheet import (
    _sheet_context as _sheet_context,
)
from .sheet import (
    _sheet_mode as _sheet_mode,
)
from .sheet import (
    _typed as _typed,
)
from .sheet import (
    council_candidates as council_candidates,
)
from .sheet import (
    entry_save as entry_save,
)
from .sheet import (
    revise as revise,
)
from .sheet import (
    scorecard as scorecard,
)
from .sheet import (
    scorecard_file as scorecard_file,
)
from .sheet import (
    sheet as sheet,
)
from .sheet import (
    sheet_answer as sheet_answer,
)
from .sheet import (
    sheet_appraise as sheet_appraise,
)
from .sheet import (
    sheet_final as sheet_final,
)
from .sheet import (
    sheet_preview as sheet_preview,
)
from .sheet import (
    sheet_reopen as sheet_reopen,
)
from .sheet import (
    sheet_save as sheet_save,
)
from .sheet import (
    sheet_submit as sheet_submit,
)
