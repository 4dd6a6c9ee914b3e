"""What every section of the program's services shares: errors and who may do what."""

from __future__ import annotations

from ..models import (
    ProgressReport,
    Task,
)

AGENCY_ROLES = ["agency_officer", "agency_head"]
DEPT_ROLES = ["dept_admin", "dept_officer"]


class ProgramError(Exception):
    """A user-facing refusal; ``str()`` is already a translated sentence."""


class NotEditable(ProgramError):
    pass


class Conflict(ProgramError):
    pass




def task_agency_ids(task: Task) -> set[int]:
    return {task.lead_agency_id, *(a.pk for a in task.supporting_agencies.all())}


def can_edit_report(report: ProgressReport, scope) -> bool:
    return scope.can_enter(report.agency_id) and report.is_editable_status
