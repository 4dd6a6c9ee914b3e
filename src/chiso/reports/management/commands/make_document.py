"""``make_document KIND [--date YYYY-MM-DD] [--out DIR] [--sign-name …]``: write one document for the deployment's
current data as of a date — for scheduled runs and checks (docs/documents.md).

KIND is ``annual``, ``quarterly``, ``progress``, ``decision`` or ``scorecards``. The document is
made by the one report job (``services.create_job`` + ``services.run_job``, recorded on the job
row and in the audit log as the system), then its DOCX, PDF and — when it has tables — XLSX are
copied to DIR under the name the download would have (``services.download_name``) and their paths
printed, one a line. What "current data as of the date" means for each kind is
:func:`params_for`. Nothing to write (no result, no round, the job failed) or a bad date: exit
code 2 and a Vietnamese sentence on stderr saying why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.collection.models import Round as CollectionRound
from chiso.lib.periods import period_end, period_label
from chiso.orgs import audit
from chiso.reports import kinds, program_data, services
from chiso.reports.frameworks import QUARTERLY_ID
from chiso.reports.models import ReportJob

KINDS = ("annual", "quarterly", "progress", "decision", "scorecards")
# the parameter naming the internal-ranking round of the "decision" and "scorecards" kinds
ROUND_PARAM = "round_id"
ACTOR = audit.Actor(user=None, request_id="make_document")
SIGNER = ("sign_name", "sign_title", "sign_authority")  # the job's parameters for who signs


def _refuse(sentence: str) -> CommandError:
    return CommandError(sentence, returncode=2)


def parse_day(text: str | None) -> dt.date:
    """``--date``: a YYYY-MM-DD date not after today; today when not given."""
    today = timezone.localdate()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(f"--date: “{text}” không phải ngày dạng YYYY-MM-DD (ví dụ 2024-07-15).") from None
    if day > today:
        raise _refuse(
            f"--date: ngày {day:%d/%m/%Y} ở tương lai; chỉ lập văn bản đến hôm nay ({today:%d/%m/%Y})."
        )
    return day


def quarterly_params(day: dt.date) -> dict:
    """The latest quarter whose collection round exists and whose period ended on or before
    ``day``; else the round of ``day``'s own quarter."""
    rounds = set(
        CollectionRound.objects.filter(framework_id=QUARTERLY_ID, quarter__isnull=False).values_list(
            "year", "quarter"
        )
    )
    ended = [(y, q) for y, q in rounds if period_end(y, q) <= day]
    if ended:
        y, q = max(ended)
    else:
        y, q = day.year, (day.month - 1) // 3 + 1
        if (y, q) not in rounds:
            raise _refuse(
                f"Chưa có đợt thu thập số liệu Một cửa điện tử và dịch vụ công trực tuyến nào của quý đã kết thúc "
                f"đến ngày {day:%d/%m/%Y}, cũng chưa có đợt của {period_label(y, q).lower()}: không có gì để lập "
                "báo cáo quý."
            )
    return {"year": y, "quarter": q}


def progress_params(day: dt.date) -> dict:
    """From 1 January of ``day``'s year (or the program's start, if later) to ``day``."""
    program = program_data.current_program(None, as_of=day)
    if program is None:
        raise _refuse("Chưa có chương trình hành động nào: không có gì để lập báo cáo tiến độ.")
    start = max(dt.date(day.year, 1, 1), program.starts_on)
    if start > day:
        raise _refuse(
            f"Chương trình hành động bắt đầu ngày {program.starts_on:%d/%m/%Y}, sau ngày {day:%d/%m/%Y}: "
            "chưa có tiến độ để báo cáo."
        )
    return {"date_from": start.isoformat(), "date_to": day.isoformat()}


def approval_reached_on(rnd) -> dt.date | None:
    """The day an internal-ranking round reached the approval step, from the earliest evidence: the
    audit row of its move to approval, its approval, the date of its signed decision."""
    from chiso.orgs.models import AuditEntry

    days = []
    moved = (
        AuditEntry.objects.filter(
            action="assessment_round.to_approval", target_type=rnd._meta.label_lower, target_id=str(rnd.pk)
        )
        .order_by("time")
        .values_list("time", flat=True)
        .first()
    )
    for t in (moved, rnd.approved_at):
        if t is not None:
            days.append(timezone.localtime(t).date())
    if rnd.decision_date:
        days.append(rnd.decision_date)
    return min(days) if days else None


def latest_round(day: dt.date):
    """The latest internal-ranking round that had reached the approval step (the step from which the
    decision may be drafted, as the assessment pages allow) on ``day``."""
    from chiso.assessment.models import Round

    approval = list(Round.Status.values).index(Round.Status.APPROVAL)
    steps = list(Round.Status.values)[approval:]
    found = []
    for rnd in Round.objects.filter(status__in=steps):
        reached = approval_reached_on(rnd)
        if reached is None or reached <= day:
            found.append((rnd.year, reached or dt.date.min, rnd.pk, rnd))
    if not found:
        raise _refuse(
            f"Chưa có đợt xếp hạng nội bộ nào đến bước lãnh đạo phê duyệt vào ngày {day:%d/%m/%Y}: "
            "không có gì để lập quyết định công bố hay bảng điểm."
        )
    return max(found, key=lambda f: f[:3])[3]


def decision_params(day: dt.date) -> dict:
    """The decision of :func:`latest_round` as the department saved it on the decision page (number,
    signer; dated the decision's date once it has one, else ``day``)."""
    from chiso.assessment.documents import decision_params as saved

    return {"date": day.isoformat(), **saved(latest_round(day))}


def scorecards_params(day: dt.date) -> dict:
    return {ROUND_PARAM: latest_round(day).pk}


def params_for(kind: str, day: dt.date) -> dict:
    """The job's parameters for "the deployment's current data as of ``day``" (the document is
    dated ``day`` unless it is a decision with its own date). annual: the latest result (the job's
    own default)."""
    choose = {
        "annual": lambda d: {},
        "quarterly": quarterly_params,
        "progress": progress_params,
        "decision": decision_params,
        "scorecards": scorecards_params,
    }[kind]
    return {"date": day.isoformat(), **choose(day)}


def write_files(job: ReportJob, out: Path) -> list[Path]:
    """Copy the job's files to ``out`` under the download's name; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    stem = services.download_name(job)
    paths = []
    for fmt in ("docx", "pdf", "xlsx"):
        field = job.file_for(fmt)
        if not field:
            continue
        path = (out / f"{stem}.{fmt}").resolve()
        with field.open("rb") as f:
            path.write_bytes(f.read())
        paths.append(path)
    return paths


class Command(BaseCommand):
    help = (
        "Lập một văn bản từ số liệu hiện có tính đến một ngày (cho việc chạy theo lịch và kiểm tra): "
        "DOCX, PDF và XLSX (khi văn bản có bảng); in đường dẫn các tệp, mỗi tệp một dòng. "
        "Không có gì để lập hoặc ngày sai: mã thoát 2 kèm lý do."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="loại văn bản: " + ", ".join(KINDS))
        parser.add_argument(
            "--date",
            help="ngày YYYY-MM-DD: số liệu tính đến ngày này, văn bản đề ngày này (mặc định: hôm nay)",
        )
        parser.add_argument(
            "--out",
            help="thư mục ghi tệp (mặc định: documents/ trong thư mục dữ liệu của triển khai, settings.VAR_DIR "
            "— var/documents/ của thư mục dự án, hoặc $CHISO_VAR_DIR/documents/)",
        )
        # who signs, as on the web form (a decision takes the signer saved on its page unless given here)
        parser.add_argument("--sign-name", dest="sign_name", help="họ tên người ký")
        parser.add_argument("--sign-title", dest="sign_title", help="chức vụ người ký (ví dụ GIÁM ĐỐC)")
        parser.add_argument(
            "--sign-authority", dest="sign_authority", help="quyền hạn ký (ví dụ KT. GIÁM ĐỐC)"
        )

    def handle(self, *args, **options):
        kind = options["kind"]
        if kind not in KINDS:
            raise _refuse(f"Loại văn bản “{kind}” không có; chọn một trong: {', '.join(KINDS)}.")
        day = parse_day(options.get("date"))
        try:
            kinds.get(kind)
        except LookupError:
            raise _refuse(f"Loại văn bản “{kind}” chưa được đăng ký trong hệ thống này.") from None
        params = params_for(kind, day)
        params.update({k: options[k].strip() for k in SIGNER if (options.get(k) or "").strip()})
        job = services.run_job(services.create_job(kind, params, ACTOR).pk, pdf=True)
        if job.status != ReportJob.Status.DONE:
            raise _refuse(f"Không lập được văn bản “{job.title}”: {job.error or job.get_status_display()}")
        out = Path(options["out"]) if options.get("out") else Path(settings.VAR_DIR) / "documents"
        for path in write_files(job, out):
            self.stdout.write(str(path))
