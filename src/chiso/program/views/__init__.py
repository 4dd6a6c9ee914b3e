"""The action program: board with traffic lights, tasks, duties, plans, obligations, quarterly
progress (submit/approve), the overdue board with reminders, and recommendations.

Each view starts with one access helper: not yours -> 404, yours but read-only -> 403.

The package's modules, one per section: base, board, plans, obligations, overdue, progress, recommendations, targets, publication, writing. Import from the package."""

from __future__ import annotations

from .base import (
    _as_of as _as_of,
)
from .base import (
    _forbidden as _forbidden,
)
from .base import (
    _get_program_for_user as _get_program_for_user,
)
from .base import (
    _get_recommendation_for_user as _get_recommendation_for_user,
)
from .base import (
    _get_report_for_user as _get_report_for_user,
)
from .board import (
    _audience as _audience,
)
from .board import (
    duties as duties,
)
from .board import (
    program_board as program_board,
)
from .board import (
    programs as programs,
)
from .board import (
    task_detail as task_detail,
)
from .obligations import (
    obligations as obligations,
)
from .obligations import (
    occurrence_record as occurrence_record,
)
from .overdue import (
    overdue as overdue,
)
from .overdue import (
    overdue_remind as overdue_remind,
)
from .plans import (
    plan_download as plan_download,
)
from .plans import (
    plans as plans,
)
from .progress import (
    _quarter_param as _quarter_param,
)
from .progress import (
    _report_context as _report_context,
)
from .progress import (
    _rw_or_error as _rw_or_error,
)
from .progress import (
    progress_approve as progress_approve,
)
from .progress import (
    progress_evidence_download as progress_evidence_download,
)
from .progress import (
    progress_evidence_upload as progress_evidence_upload,
)
from .progress import (
    progress_list as progress_list,
)
from .progress import (
    progress_open as progress_open,
)
from .progress import (
    progress_report as progress_report,
)
from .progress import (
    progress_return as progress_return,
)
from .progress import (
    progress_save as progress_save,
)
from .progress import (
    progress_submit as progress_submit,
)
from .publication import (
    publications as publications,
)
from .recommendations import (
    _filtered_recommendations as _filtered_recommendations,
)
from .recommendations import (
    recommendation_act as recommendation_act,
)
from .recommendations import (
    recommendation_detail as recommendation_detail,
)
from .recommendations import (
    recommendation_new as recommendation_new,
)
from .recommendations import (
    recommendations as recommendations,
)
from .recommendations import (
    recommendations_xlsx as recommendations_xlsx,
)
from .targets import (
    _department_only as _department_only,
)
from .targets import (
    _edit_view as _edit_view,
)
from .targets import (
    _history as _history,
)
from .targets import (
    kpi_edit as kpi_edit,
)
from .targets import (
    objective_edit as objective_edit,
)
from .writing import (
    _agencies as _agencies,
)
from .writing import (
    _framework_choices as _framework_choices,
)
from .writing import (
    _framework_names as _framework_names,
)
from .writing import (
    _in_program as _in_program,
)
from .writing import (
    _initial as _initial,
)
from .writing import (
    _item_page as _item_page,
)
from .writing import (
    _item_spec as _item_spec,
)
from .writing import (
    _place as _place,
)
from .writing import (
    _program_for_writer as _program_for_writer,
)
from .writing import (
    _task_ids as _task_ids,
)
from .writing import (
    _write_page as _write_page,
)
from .writing import (
    _writer_only as _writer_only,
)
from .writing import (
    drafts_discard as drafts_discard,
)
from .writing import (
    drafts_issue as drafts_issue,
)
from .writing import (
    kpi_write as kpi_write,
)
from .writing import (
    objective_write as objective_write,
)
from .writing import (
    obligation_write as obligation_write,
)
from .writing import (
    program_edit as program_edit,
)
from .writing import (
    program_new as program_new,
)
from .writing import (
    program_write as program_write,
)
from .writing import (
    task_write as task_write,
)
