"""Load QĐ 936/QĐ-UBND Hà Nam (2017) as a program: objectives, tasks and KPIs, §4 duties,
obligations and their schedule; ``--demo`` adds labelled demonstration progress (one quarter),
recommendations (one answered and public), an agency plan and recorded occurrences.

Needs ``load_reference_case`` first (agencies). Idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from chiso.orgs import audit
from chiso.orgs.models import Agency
from chiso.program import reference_936 as ref
from chiso.program import services
from chiso.program.models import (
    AgencyPlan,
    Duty,
    Kpi,
    Objective,
    Obligation,
    Occurrence,
    Program,
    ProgressEvidence,
    ProgressReport,
    Recommendation,
    Task,
)

ACTOR = audit.Actor(user=None, request_id="load_program_936")
DEMO = "DỮ LIỆU MINH HỌA"


class Command(BaseCommand):
    help = (
        "Load QĐ 936/QĐ-UBND Hà Nam 2017 as an action program; --demo adds labelled demonstration progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load labelled demonstration progress")

    def handle(self, *args, **options):
        if not Agency.objects.filter(code=ref.STTTT).exists():
            raise CommandError("Run `load_reference_case` first: the QĐ 936 agencies are missing.")
        with transaction.atomic():
            program = self.handle_one_program()
            out = [
                f"objectives: {self.handle_one_objectives(program)}",
                f"tasks: {self.handle_one_tasks(program)}",
                f"duties: {self.handle_one_duties(program)}",
                f"obligations: {self.handle_one_obligations(program)}",
                f"occurrences: {services.sync_occurrences(program)}",
            ]
            if options["demo"]:
                # the demonstration's notices stay in-app: no e-mail is sent for made-up events
                with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                    out.append(f"demo: {self.handle_one_demo(program)}")
        return ", ".join(out)

    def _agencies(self, codes):
        found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def handle_one_program(self) -> Program:
        fields = {k: v for k, v in ref.PROGRAM.items() if k != "code"}
        fields["standing_body"] = Agency.objects.get(code=ref.STTTT)
        program, _created = Program.objects.update_or_create(code=ref.CODE, defaults=fields)
        return program

    def handle_one_objectives(self, program: Program) -> int:
        for i, text in enumerate(ref.GENERAL_OBJECTIVES, start=1):
            Objective.objects.update_or_create(
                program=program, kind="general", order=i, defaults={"text": text, "section": "1"}
            )
        o = ref.SPECIFIC_OBJECTIVE
        # The target rank and year are the department's to edit (objective_edit): set on creation only.
        editable = {"target_rank", "target_year"}
        Objective.objects.update_or_create(
            program=program,
            kind="specific",
            order=1,
            defaults={k: v for k, v in o.items() if k not in editable},
            create_defaults=o,
        )
        return len(ref.GENERAL_OBJECTIVES) + 1

    def handle_one_tasks(self, program: Program) -> int:
        objective = program.objectives.get(kind="specific", order=1)
        for n, (title, text, lead, support, basis, deadline, rec, comps, kpis) in enumerate(
            ref.TASKS, start=1
        ):
            task, _c = Task.objects.update_or_create(
                program=program,
                number=n,
                defaults={
                    "title": title,
                    "text": text,
                    "section": "3",
                    "objective": objective,
                    "lead_agency": Agency.objects.get(code=lead),
                    "assignment_basis": basis,
                    "deadline": deadline,
                    "recurrence": rec,
                    "components": comps,
                },
            )
            task.supporting_agencies.set(self._agencies(support))
            for i, (name, unit, target, tbasis, due, source, code, src_agency) in enumerate(kpis, start=1):
                fixed = {
                    "name": name,
                    "target_basis": tbasis,
                    "source": source,
                    "framework_id": ref.FRAMEWORK_ID if code else "",
                    "indicator_code": code,
                    "source_agency": Agency.objects.filter(code=src_agency).first() if src_agency else None,
                }
                # Baseline, target, unit and due date are the department's to edit (kpi_edit, audited):
                # set when the KPI is created, never reset by loading again.
                Kpi.objects.update_or_create(
                    task=task,
                    order=i,
                    defaults=fixed,
                    create_defaults={**fixed, "unit": unit, "target": target, "due_on": due},
                )
        return len(ref.TASKS)

    def handle_one_duties(self, program: Program) -> int:
        n = 0
        rows = [(s, who, codes, texts) for s, who, codes, texts in ref.DUTIES]
        rows += [(s, who, codes, [text]) for s, who, codes, text in ref.SECTION_5]
        for section, who, codes, texts in rows:
            for i, text in enumerate(texts, start=1):
                duty, _c = Duty.objects.update_or_create(
                    program=program, section=section, order=i, defaults={"addressee": who, "text": text}
                )
                duty.agencies.set(self._agencies(codes))
                n += 1
        return n

    def handle_one_obligations(self, program: Program) -> int:
        for title, section, agency, rec, offset, note in ref.OBLIGATIONS:
            Obligation.objects.update_or_create(
                program=program,
                section=section,
                defaults={
                    "title": title,
                    "agency": Agency.objects.get(code=agency),
                    "recurrence": rec,
                    "due_offset_days": offset,
                    "schedule_note": note,
                },
            )
        return len(ref.OBLIGATIONS)

    # --- labelled demonstration data ------------------------------------------------------------------
    def handle_one_demo(self, program: Program) -> str:
        if ProgressReport.objects.filter(task__program=program, is_demo=True).exists():
            return "already loaded"
        User = get_user_model()
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[
                    "sotttt.nhaplieu",
                    "sotttt.lanhdao",
                    "sotttt.thamdinh",
                    "sogddt.nhaplieu",
                    "sogddt.lanhdao",
                    "sotuphap.nhaplieu",
                    "sotuphap.lanhdao",
                    "phuly.nhaplieu",
                ]
            )
        }

        def actor(name):
            return audit.Actor(user=users.get(name), request_id="load_program_936 --demo")

        tasks = {t.number: t for t in program.tasks.select_related("lead_agency")}
        year, quarter = 2017, 3
        # (task number, task status, percent, narrative, KPI values by order, final state)
        plan = [
            (
                1,
                "ongoing",
                25,
                "Đã tổ chức hội nghị quán triệt tại 20 sở, ngành; Đài PT-TH phát 3 chuyên mục "
                "(tháng 7, 8, 9).",
                {1: 3.0},
                "approved",
            ),
            (
                3,
                "on_track",
                40,
                "Rà soát nhu cầu máy tính của 18 cơ quan; Sở KH&ĐT đã tổng hợp nhu cầu vốn.",
                {},
                "approved",
            ),
            (
                7,
                "at_risk",
                70,
                "82/116 xã, phường, thị trấn đã dùng phần mềm Một cửa điện tử; 34 xã chưa có đường truyền.",
                {},
                "approved",
            ),
            (9, "not_started", 0, "Đang xây dựng đề cương CSDL đất đai với Sở TN&MT.", {1: 0.0}, "submitted"),
            (
                12,
                "on_track",
                60,
                "Kế hoạch tăng tỷ lệ dạy tin học tiểu học đã ban hành; 112/141 trường đã dạy.",
                {},
                "approved",
            ),
            (
                8,
                "on_track",
                30,
                "Rà soát danh mục thủ tục hành chính có thể cung cấp ở mức độ 3, 4.",
                {},
                "draft",
            ),
        ]
        n = 0
        for number, status, pct, text, kpis, final in plan:
            task = tasks[number]
            lead = task.lead_agency
            who = {"A35.STTTT": "sotttt", "A35.SGDDT": "sogddt", "A35.STP": "sotuphap"}.get(
                lead.code, "sotttt"
            )
            rep = services.open_report(task, lead, year, quarter, actor(f"{who}.nhaplieu"), is_demo=True)
            kv = {k.pk: kpis[k.order] for k in task.kpis.all() if k.order in kpis and k.source == "reported"}
            services.save_report(
                rep.pk,
                actor(f"{who}.nhaplieu"),
                task_status=status,
                percent=pct,
                narrative=f"{text} ({DEMO})",
                kpi_values=kv,
            )
            if number == 7:
                data = (f"Biên bản kiểm tra Một cửa điện tử quý 3/2017 ({DEMO}).\n").encode()
                ev = ProgressEvidence(
                    report=rep,
                    original_name="bien-ban-kiem-tra-mot-cua.txt",
                    content_type="text/plain; charset=utf-8",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                )
                ev.file.save("upload", ContentFile(data), save=False)
                ev.save()
            if final in ("submitted", "approved"):
                services.submit_report(rep.pk, actor(f"{who}.lanhdao"))
            if final == "approved":
                services.approve_report(rep.pk, actor("sotttt.thamdinh"))
            n += 1
        # recommendations: one answered and public, one escalated, one new
        rec = services.submit_recommendation(
            actor("phuly.nhaplieu"),
            program=program,
            agency=Agency.objects.get(code="A347.UBND_HUYEN"),
            task=tasks[7],
            component="ud_noi_bo",
            kind=Recommendation.Kind.DIFFICULTY,
            title=f"Thiếu đường truyền cho 5 xã triển khai Một cửa điện tử ({DEMO})",
            body="5 xã của thành phố chưa có đường truyền số liệu chuyên dùng nên chưa dùng được phần mềm Một cửa "
            f"điện tử. Đề nghị Sở TT&TT hỗ trợ kết nối. ({DEMO})",
            is_demo=True,
        )
        services.act_on_recommendation(
            rec.pk,
            actor("sotttt.thamdinh"),
            "answer",
            text=f"Sở TT&TT đã làm việc với VNPT Hà Nam: 5 xã được kết nối mạng truyền số liệu chuyên dùng trong "
            f"tháng 11/2017. ({DEMO})",
        )
        services.act_on_recommendation(rec.pk, actor("sotttt.thamdinh"), "publish")
        rec2 = services.submit_recommendation(
            actor("sogddt.nhaplieu"),
            program=program,
            agency=Agency.objects.get(code=ref.SGDDT),
            task=tasks[12],
            component="htnl_xa_hoi",
            kind=Recommendation.Kind.PROPOSAL,
            title=f"Kinh phí phòng máy cho 29 trường tiểu học ({DEMO})",
            body=f"Đề nghị bố trí kinh phí trang bị phòng máy tính cho 29 trường tiểu học chưa dạy tin học. ({DEMO})",
            is_demo=True,
        )
        services.act_on_recommendation(
            rec2.pk,
            actor("sotttt.thamdinh"),
            "escalate",
            text=f"Vượt thẩm quyền của Sở: trình UBND tỉnh xem xét bố trí kinh phí năm 2018. ({DEMO})",
        )
        services.submit_recommendation(
            actor("sotuphap.nhaplieu"),
            program=program,
            agency=Agency.objects.get(code=ref.STP),
            task=tasks[8],
            component="dvctt",
            kind=Recommendation.Kind.PROPOSAL,
            title=f"Hướng dẫn thống nhất bộ hồ sơ trực tuyến ({DEMO})",
            body=f"Đề nghị Sở TT&TT hướng dẫn định dạng tệp đính kèm của hồ sơ trực tuyến. ({DEMO})",
            is_demo=True,
        )
        # an agency's plan (§5a)
        data = (f"KẾ HOẠCH nâng cao chỉ số Hạ tầng nhân lực xã hội 2017–2020 — Sở GD&ĐT ({DEMO})\n").encode()
        plan_obj = AgencyPlan(
            program=program,
            agency=Agency.objects.get(code=ref.SGDDT),
            title=f"Kế hoạch tăng tỷ lệ dạy tin học tiểu học ({DEMO})",
            document_number="",
            original_name="ke-hoach-sgddt.txt",
            content_type="text/plain; charset=utf-8",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            is_demo=True,
            uploaded_by=users.get("sogddt.nhaplieu"),
        )
        plan_obj.file.save("upload", ContentFile(data), save=False)
        plan_obj.save()
        # occurrences recorded in the demonstration quarter
        done = Occurrence.objects.filter(
            obligation__program=program, period__in=["2017-07", "2017-08", "2017-09", "2017-Q3"]
        )
        for occ in done:
            occ.done_on = min(occ.due_on, dt.date(2017, 10, 12))
            occ.note = f"Đã thực hiện ({DEMO})"
            occ.is_demo = True
            occ.recorded_at = timezone.now()
            occ.save()
        return f"{n} progress reports, 3 recommendations, 1 plan, {done.count()} occurrences"
