"""Program logic shared by pages, the loader, reminders and (for the reports app) documents.

Every change goes through here: one transaction, ``select_for_update`` on the row being changed,
an explicit audit row (chiso.orgs.audit) and, where someone must act, an in-app notice.

The package's modules, one per section: base, periods, actuals, board, overdue, progress, recommendations, targets, publication, writing. Import from the package."""

from __future__ import annotations

from .actuals import (
    Actual as Actual,
)
from .actuals import (
    _lang as _lang,
)
from .actuals import (
    kpi_actuals as kpi_actuals,
)
from .base import (
    AGENCY_ROLES as AGENCY_ROLES,
)
from .base import (
    DEPT_ROLES as DEPT_ROLES,
)
from .base import (
    Conflict as Conflict,
)
from .base import (
    NotEditable as NotEditable,
)
from .base import (
    ProgramError as ProgramError,
)
from .base import (
    can_edit_report as can_edit_report,
)
from .base import (
    task_agency_ids as task_agency_ids,
)
from .board import (
    Board as Board,
)
from .board import (
    KpiRow as KpiRow,
)
from .board import (
    ObjectiveRow as ObjectiveRow,
)
from .board import (
    TaskRow as TaskRow,
)
from .board import (
    board as board,
)
from .board import (
    latest_approved_reports as latest_approved_reports,
)
from .board import (
    published_rank as published_rank,
)
from .overdue import (
    MissingReport as MissingReport,
)
from .overdue import (
    Overdue as Overdue,
)
from .overdue import (
    _notify_agency as _notify_agency,
)
from .overdue import (
    overdue as overdue,
)
from .overdue import (
    send_reminders as send_reminders,
)
from .periods import (
    closing_sentence as closing_sentence,
)
from .periods import (
    current_quarter as current_quarter,
)
from .periods import (
    is_closed as is_closed,
)
from .periods import (
    judged_on as judged_on,
)
from .periods import (
    quarter_of as quarter_of,
)
from .periods import (
    quarter_start as quarter_start,
)
from .periods import (
    report_due as report_due,
)
from .periods import (
    reporting_quarters as reporting_quarters,
)
from .progress import (
    _locked as _locked,
)
from .progress import (
    add_agency_plan as add_agency_plan,
)
from .progress import (
    add_evidence as add_evidence,
)
from .progress import (
    approve_report as approve_report,
)
from .progress import (
    check_editable as check_editable,
)
from .progress import (
    open_report as open_report,
)
from .progress import (
    return_report as return_report,
)
from .progress import (
    save_report as save_report,
)
from .progress import (
    submit_report as submit_report,
)
from .publication import (
    _EDITION_YEAR as _EDITION_YEAR,
)
from .publication import (
    PublicationDate as PublicationDate,
)
from .publication import (
    _month_end as _month_end,
)
from .publication import (
    _schedule as _schedule,
)
from .publication import (
    framework_family as framework_family,
)
from .publication import (
    programs_of_family as programs_of_family,
)
from .publication import (
    publication_dates as publication_dates,
)
from .publication import (
    publications as publications,
)
from .publication import (
    record_occurrence as record_occurrence,
)
from .publication import (
    record_publication as record_publication,
)
from .publication import (
    sync_occurrences as sync_occurrences,
)
from .recommendations import (
    _step as _step,
)
from .recommendations import (
    act_on_recommendation as act_on_recommendation,
)
from .recommendations import (
    submit_recommendation as submit_recommendation,
)
from .targets import (
    KPI_EDITABLE as KPI_EDITABLE,
)
from .targets import (
    OBJECTIVE_EDITABLE as OBJECTIVE_EDITABLE,
)
from .targets import (
    _edit as _edit,
)
from .targets import (
    _plain as _plain,
)
from .targets import (
    update_kpi as update_kpi,
)
from .targets import (
    update_objective as update_objective,
)
from .writing import (
    KPI_WRITABLE as KPI_WRITABLE,
)
from .writing import (
    MAX_PROGRAM_YEARS as MAX_PROGRAM_YEARS,
)
from .writing import (
    OBJECTIVE_WRITABLE as OBJECTIVE_WRITABLE,
)
from .writing import (
    OBLIGATION_RECURRENCES as OBLIGATION_RECURRENCES,
)
from .writing import (
    OBLIGATION_WRITABLE as OBLIGATION_WRITABLE,
)
from .writing import (
    PROGRAM_WRITABLE as PROGRAM_WRITABLE,
)
from .writing import (
    TASK_WRITABLE as TASK_WRITABLE,
)
from .writing import (
    WRITER_ROLE as WRITER_ROLE,
)
from .writing import (
    _check_agency as _check_agency,
)
from .writing import (
    _check_program as _check_program,
)
from .writing import (
    _check_program_change as _check_program_change,
)
from .writing import (
    _in_period as _in_period,
)
from .writing import (
    _plain_state as _plain_state,
)
from .writing import (
    _program_code as _program_code,
)
from .writing import (
    _refuse as _refuse,
)
from .writing import (
    _save_item as _save_item,
)
from .writing import (
    _stale as _stale,
)
from .writing import (
    _text as _text,
)
from .writing import (
    _write_row as _write_row,
)
from .writing import (
    _writer as _writer,
)
from .writing import (
    agencies_in_force as agencies_in_force,
)
from .writing import (
    create_program as create_program,
)
from .writing import (
    discard_draft as discard_draft,
)
from .writing import (
    discard_drafts as discard_drafts,
)
from .writing import (
    framework_codes as framework_codes,
)
from .writing import (
    framework_indicators as framework_indicators,
)
from .writing import (
    get_in_program as get_in_program,
)
from .writing import (
    issue_tasks as issue_tasks,
)
from .writing import (
    may_write as may_write,
)
from .writing import (
    save_kpi as save_kpi,
)
from .writing import (
    save_objective as save_objective,
)
from .writing import (
    save_obligation as save_obligation,
)
from .writing import (
    save_task as save_task,
)
from .writing import (
    standing_bodies_for as standing_bodies_for,
)
from .writing import (
    update_program as update_program,
)
