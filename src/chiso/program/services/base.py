"""What every section of the program's services shares: errors and who may do what."""

from __future__ import annotations

from chiso.lib.refusal import Forbidden, Refused, Stale

from ..models import (
    ProgressReport,
    Task,
)

AGENCY_ROLES = ["agency_officer", "agency_head"]
DEPT_ROLES = ["dept_admin", "dept_officer"]


# The refusals are ``chiso.lib.refusal``'s: ``Refused`` (400), ``Forbidden`` (403: the report is
# not editable now), ``Stale`` (409: changed since the form was loaded). The names below are the
# ones the program's callers already use.
ProgramError = Refused
NotEditable = Forbidden
Conflict = Stale


def task_agency_ids(task: Task) -> set[int]:
    return {task.lead_agency_id, *(a.pk for a in task.supporting_agencies.all())}


def can_edit_report(report: ProgressReport, scope) -> bool:
    return scope.can_enter(report.agency_id) and report.is_editable_status
