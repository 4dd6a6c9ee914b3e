"""Load the reference case's action program from its data file (:mod:`chiso.program.reference_936`
reads ``chiso/cases/<case>/program.yaml``): objectives, tasks and KPIs, duties, obligations and their
schedule; ``--demo`` adds the file's labelled demonstration progress (one quarter), recommendations
(one answered and public), an agency plan and recorded occurrences.

Needs ``load_reference_case`` first (agencies). Idempotent: running it twice changes nothing."""

from __future__ import annotations

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
        "Load the reference case's action program (chiso/cases/); --demo adds labelled demonstration progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load labelled demonstration progress")

    def handle(self, *args, **options):
        if not Agency.objects.filter(code=ref.STANDING_BODY).exists():
            raise CommandError("Run `load_reference_case` first: the program's agencies are missing.")
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
        fields["standing_body"] = Agency.objects.get(code=ref.STANDING_BODY)
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
        demo = ref.DEMO
        names = {demo["approver"], demo["plan"]["user"]}
        for prefix in [*demo["reporters"].values(), demo["default_reporter"]]:
            names |= {f"{prefix}.nhaplieu", f"{prefix}.lanhdao"}
        for r in demo["recommendations"]:
            names |= {r["user"], *(step["user"] for step in r.get("steps") or [])}
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}

        def actor(name):
            return audit.Actor(user=users.get(name), request_id="load_program_936 --demo")

        tasks = {t.number: t for t in program.tasks.select_related("lead_agency")}
        year, quarter = demo["year"], demo["quarter"]
        n = 0
        for row in demo["progress"]:
            task = tasks[row["task"]]
            lead = task.lead_agency
            who = demo["reporters"].get(lead.code, demo["default_reporter"])
            rep = services.open_report(task, lead, year, quarter, actor(f"{who}.nhaplieu"), is_demo=True)
            kpis = row.get("kpis") or {}
            kv = {k.pk: kpis[k.order] for k in task.kpis.all() if k.order in kpis and k.source == "reported"}
            services.save_report(
                rep.pk,
                actor(f"{who}.nhaplieu"),
                task_status=row["status"],
                percent=row["percent"],
                narrative=f"{row['narrative']} ({DEMO})",
                kpi_values=kv,
            )
            if row.get("evidence"):
                data = row["evidence"]["text"].encode()
                ev = ProgressEvidence(
                    report=rep,
                    original_name=row["evidence"]["name"],
                    content_type="text/plain; charset=utf-8",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                )
                ev.file.save("upload", ContentFile(data), save=False)
                ev.save()
            if row["final"] in ("submitted", "approved"):
                services.submit_report(rep.pk, actor(f"{who}.lanhdao"))
            if row["final"] == "approved":
                services.approve_report(rep.pk, actor(demo["approver"]))
            n += 1
        for r in demo["recommendations"]:
            rec = services.submit_recommendation(
                actor(r["user"]),
                program=program,
                agency=Agency.objects.get(code=r["agency"]),
                task=tasks[r["task"]],
                component=r["component"],
                kind=Recommendation.Kind(r["kind"]),
                title=r["title"],
                body=r["body"],
                is_demo=True,
            )
            for step in r.get("steps") or []:
                extra = {"text": step["text"]} if step.get("text") else {}
                services.act_on_recommendation(rec.pk, actor(step["user"]), step["action"], **extra)
        # an agency's plan (§5a)
        p = demo["plan"]
        data = p["text"].encode()
        plan_obj = AgencyPlan(
            program=program,
            agency=Agency.objects.get(code=p["agency"]),
            title=p["title"],
            document_number="",
            original_name=p["file_name"],
            content_type="text/plain; charset=utf-8",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            is_demo=True,
            uploaded_by=users.get(p["user"]),
        )
        plan_obj.file.save("upload", ContentFile(data), save=False)
        plan_obj.save()
        # occurrences recorded in the demonstration quarter
        occ_data = demo["occurrences"]
        done = Occurrence.objects.filter(obligation__program=program, period__in=occ_data["periods"])
        for occ in done:
            occ.done_on = min(occ.due_on, occ_data["done_by"])
            occ.note = occ_data["note"]
            occ.is_demo = True
            occ.recorded_at = timezone.now()
            occ.save()
        return (
            f"{n} progress reports, {len(demo['recommendations'])} recommendations, 1 plan, "
            f"{done.count()} occurrences"
        )
