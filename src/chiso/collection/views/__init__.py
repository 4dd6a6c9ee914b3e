"""Rounds, the completeness board, agency forms, workflow, evidence and Excel import.

Each view starts with one access helper: not yours -> 404, yours but read-only -> 403.

The package's modules, one per section: base, rounds, form, evidence, excel. Import from the package."""

from __future__ import annotations

from .base import (
    _forbidden as _forbidden,
)
from .base import (
    _get_round_for_user as _get_round_for_user,
)
from .base import (
    _get_submission_for_user as _get_submission_for_user,
)
from .evidence import (
    _get_evidence_for_user as _get_evidence_for_user,
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
from .excel import (
    _import_dir as _import_dir,
)
from .excel import (
    _stale_values as _stale_values,
)
from .excel import (
    import_confirm as import_confirm,
)
from .excel import (
    import_upload as import_upload,
)
from .excel import (
    template_download as template_download,
)
from .form import (
    _prev_text as _prev_text,
)
from .form import (
    _row_context as _row_context,
)
from .form import (
    _RowUrls as _RowUrls,
)
from .form import (
    _rw_or_error as _rw_or_error,
)
from .form import (
    submission_approve as submission_approve,
)
from .form import (
    submission_history as submission_history,
)
from .form import (
    submission_return as submission_return,
)
from .form import (
    submission_save as submission_save,
)
from .form import (
    submission_submit as submission_submit,
)
from .form import (
    value_history as value_history,
)
from .form import (
    value_save as value_save,
)
from .page import (
    FORM_CACHE_MAX_CHARS as FORM_CACHE_MAX_CHARS,
)
from .page import (
    _form_body as _form_body,
)
from .page import (
    submission as submission,
)
from .rounds import (
    _compilation_or_403 as _compilation_or_403,
)
from .rounds import (
    _issuer_name as _issuer_name,
)
from .rounds import (
    round_compilation as round_compilation,
)
from .rounds import (
    round_compilation_xlsx as round_compilation_xlsx,
)
from .rounds import (
    round_compilation_zip as round_compilation_zip,
)
from .rounds import (
    round_detail as round_detail,
)
from .rounds import (
    round_new as round_new,
)
from .rounds import (
    round_remind as round_remind,
)
from .rounds import (
    rounds as rounds,
)
