"""Issue 12 item 4: a program as a file. QĐ 936 loads through the importer with the figures of the
decision (shared/domain/qd-936-2017-hanam-ict-index-program.txt) and the rows of the former loader;
export → import gives the same rows (YAML and .xlsx); a bad file lists every problem by part, row and
field and writes nothing; the commands."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import yaml
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import load_workbook

from chiso import cases
from chiso.orgs import audit
from chiso.orgs.models import Agency, AuditEntry
from chiso.program import transfer
from chiso.program.models import Duty, Kpi, Objective, Obligation, Occurrence, Program, ProgressReport, Task

QD936 = cases.case_dir() / "program.yaml"
ACTOR = audit.Actor(request_id="test")
# rows_of() of QĐ 936 with its demonstration part as the former loader (Python, before the importer)
# wrote them: the database of `load_reference_case --demo; load_program_936 --demo` at commit 520b5ad.
FORMER_LOADER_DIGEST = "81c8d23d8423825b8899f51b39626758a9fc169a68699d118c8cfa508d0debaa"


def rows_of(program: Program) -> dict:
    """Every row of a program (and of its demonstration part) by value: agencies by code, no ids or times."""
    p = program
    out = {
        "program": [p.code, p.title, p.decision_number, p.header_number, p.number_note, str(p.decision_date),
                    p.issuer, p.signer, p.signer_title, p.legal_grounds, str(p.starts_on), str(p.ends_on),
                    p.framework_id, p.standing_body.code, p.progress_due_days, p.source, p.is_public],
        "objectives": [[o.kind, o.order, o.text, o.framework_id, o.target_rank, o.target_year, o.section]
                       for o in p.objectives.order_by("kind", "order")],
        "tasks": [], "duties": [], "obligations": [],
    }  # fmt: skip
    for t in p.tasks.order_by("number"):
        out["tasks"].append([
            t.number, t.title, t.text, t.section, [t.objective.kind, t.objective.order] if t.objective else None,
            t.lead_agency.code, sorted(a.code for a in t.supporting_agencies.all()), t.assignment_basis,
            str(t.deadline), t.recurrence, t.components,
            [[k.order, k.name, k.unit, k.baseline, k.baseline_year, k.target, k.target_basis, k.direction,
              str(k.due_on), k.source, k.framework_id, k.indicator_code,
              k.source_agency.code if k.source_agency else None] for k in t.kpis.order_by("order")],
        ])  # fmt: skip
    for d in p.duties.order_by("section", "order"):
        out["duties"].append([d.section, d.order, d.addressee, d.text, sorted(a.code for a in d.agencies.all())])
    for o in p.obligations.order_by("section"):
        occ = [[c.period, c.label, str(c.due_on), str(c.done_on), c.note, c.is_demo]
               for c in o.occurrences.order_by("period")]  # fmt: skip
        out["obligations"].append([o.title, o.section, o.agency.code, o.recurrence, o.due_offset_days,
                                   o.schedule_note, occ])  # fmt: skip
    out["reports"] = sorted(
        [r.task.number, r.agency.code, r.year, r.quarter, r.status, r.task_status, r.percent, r.narrative,
         r.is_demo, sorted([v.kpi.order, v.value] for v in r.kpi_values.all()),
         [[e.original_name, e.sha256] for e in r.evidence.all()]]
        for r in ProgressReport.objects.filter(task__program=p)
    )  # fmt: skip
    out["recommendations"] = sorted(
        [r.agency.code, r.task.number if r.task else None, r.component, r.kind, r.title, r.body, r.status,
         r.answer, r.is_public, r.is_demo, [[s.action, s.text, s.status_after] for s in r.steps.all()]]
        for r in p.recommendations.all()
    )  # fmt: skip
    out["plans"] = [[x.agency.code, x.title, x.original_name, x.sha256, x.is_demo] for x in p.plans.all()]
    return out


def digest(rows: dict) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class TransferTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)

    def setUp(self):
        cache.clear()

    def load_936(self, *args) -> Program:
        call_command("load_program_936", *args, verbosity=0)
        return Program.objects.get(code="hanam-qd936-2017")


class QD936TestCase(TransferTestCase):
    def test_the_importer_gives_the_rows_of_the_former_loader(self):
        program = self.load_936("--demo")
        self.assertEqual(digest(rows_of(program)), FORMER_LOADER_DIGEST)

    def test_the_figures_of_the_decision(self):
        p = self.load_936()
        self.assertEqual(
            (p.decision_number, p.header_number, p.decision_date, p.signer, p.starts_on, p.ends_on, p.framework_id,
             p.standing_body.code),
            ("936/QĐ-UBND", "436/QĐ-UBND", dt.date(2017, 6, 23), "Vũ Đại Thắng", dt.date(2017, 6, 23),
             dt.date(2020, 12, 31), "vn-ict-index-2016-province", "A35.STTTT"),
        )  # fmt: skip
        self.assertEqual(p.objectives.filter(kind="general").count(), 4)
        self.assertEqual(
            list(p.objectives.filter(kind="specific").values_list("target_rank", "target_year", "section")),
            [(20, 2020, "2")],  # §2: "đến năm 2020 … nhóm 20 tỉnh"
        )
        # §3: 13 solutions; the lead is the agency §4 makes responsible for the component
        leads = list(p.tasks.order_by("number").values_list("lead_agency__code", flat=True))
        self.assertEqual(leads, ["A35.STTTT"] * 7 + ["A35.STP", "A35.STTTT", "A35.SKHDT", "A35.STTTT", "A35.SGDDT",
                                                     "A35.STTTT"])  # fmt: skip
        self.assertTrue(all(t.section == "3" and t.objective.kind == "specific" for t in p.tasks.all()))
        self.assertEqual(Task.objects.get(number=7).deadline, dt.date(2017, 12, 31))  # "Năm 2017 đảm bảo 100%"
        self.assertEqual(Task.objects.get(number=7).supporting_agencies.count(), 9)
        kpis = {
            (k.task.number, k.order): (k.indicator_code, k.target, k.unit, k.source)
            for k in Kpi.objects.filter(task__program=p).select_related("task")
        }
        self.assertEqual(kpis, {
            (1, 1): ("", 12.0, "chuyên mục/năm", "reported"),  # §4i: 01 lần/tháng
            (3, 1): ("may_tinh_tren_cbcc", 1.0, "máy/người", "indicator"),  # 01 máy tính / cán bộ
            (4, 1): ("cbcc_dung_thu_dien_tu", None, "%", "indicator"),  # no figure in the decision
            (5, 1): ("co_quan_diet_virus", 100.0, "%", "indicator"),
            (6, 1): ("xa_ket_noi_wan", 100.0, "%", "indicator"),
            (7, 1): ("xa_dung_mot_cua_dien_tu", 100.0, "%", "indicator"),  # 100% năm 2017
            (8, 1): ("dvc_muc_3", None, "%", "indicator"),
            (8, 2): ("dvc_muc_4", None, "%", "indicator"),
            (9, 1): ("", 3.0, "CSDL", "reported"),  # three key databases named
            (11, 1): ("cb_chuyen_trach_cntt", None, "%", "indicator"),
            (12, 1): ("truong_th_day_tin_hoc", 100.0, "%", "indicator"),  # 100% trường tiểu học
            (13, 1): ("", 1.0, "đợt/năm", "reported"),  # hằng năm kiểm tra
        })  # fmt: skip
        self.assertEqual(Kpi.objects.get(task__number=7).due_on, dt.date(2017, 12, 31))
        sections = {}
        for s in Duty.objects.filter(program=p).values_list("section", flat=True):
            sections[s] = sections.get(s, 0) + 1
        self.assertEqual(sections, {"a": 8, "b": 3, "c": 3, "d": 3, "e": 2, "f": 3, "g": 1, "h": 2, "i": 2,
                                    "5a": 1, "5c": 1})  # fmt: skip
        self.assertEqual(Duty.objects.get(section="h", order=1).agencies.count(), 6)  # the six districts
        self.assertEqual(
            sorted(p.obligations.values_list("section", "recurrence", "due_offset_days", "agency__code")),
            [("4a", "quarterly", 15, "A35.STTTT"), ("4i", "monthly", 0, "A35.DAIPTTH"),
             ("5b", "after_publication", 60, "A35.STTTT")],
        )  # fmt: skip
        self.assertEqual(Occurrence.objects.filter(obligation__section="4i").count(), 42)  # 07/2017–12/2020
        self.assertEqual(Occurrence.objects.filter(obligation__section="4a").count(), 14)
        entry = AuditEntry.objects.get(action="program.import")
        self.assertEqual((entry.after["tasks"], entry.after["kpis"], entry.after["duties"]), (13, 12, 29))

    def test_loading_again_keeps_the_program_and_loads_the_demo_once(self):
        p = self.load_936()
        Kpi.objects.filter(task__program=p, order=1, task__number=8).update(target=30)
        p2 = self.load_936("--demo")
        self.assertEqual(p2.pk, p.pk)
        self.assertEqual(Kpi.objects.get(task__number=8, order=1).target, 30)
        self.assertEqual(ProgressReport.objects.count(), 6)
        self.load_936("--demo")
        self.assertEqual(ProgressReport.objects.count(), 6)
        self.assertEqual(AuditEntry.objects.filter(action="program.import").count(), 1)


class RoundTripTestCase(TransferTestCase):
    def reimport(self, program: Program, data: bytes, name: str) -> Program:
        """Import ``data`` where ``program`` was (its rows deleted first: a fresh program database)."""
        code = program.code
        program.delete()
        self.assertFalse(Task.objects.exists())
        transfer.import_program(data, name, ACTOR)
        return Program.objects.get(code=code)

    def test_yaml_round_trip_gives_identical_rows(self):
        program = self.load_936()
        before = rows_of(program)
        text = transfer.export_yaml(program)
        doc = yaml.safe_load(text)
        self.assertEqual(doc["format"], "chiso-program/1")
        self.assertEqual(doc["standing_body"], "A35.STTTT")
        self.assertEqual(len(doc["tasks"]), 13)
        self.assertEqual(doc["tasks"][2]["kpis"][0]["indicator"], "may_tinh_tren_cbcc")
        self.assertEqual([d["section"] for d in doc["duties"]], list("abcdefghi") + ["5a", "5c"])
        again = self.reimport(program, text.encode(), "qd936.yaml")
        self.assertEqual(rows_of(again), before)
        # and the export of the re-imported program is the same file (its date line aside)
        self.assertEqual(transfer.export_yaml(again).split("\n", 3)[3], text.split("\n", 3)[3])

    def test_xlsx_round_trip_gives_identical_rows_and_text_is_never_a_formula(self):
        program = self.load_936()
        Task.objects.filter(program=program, number=2).update(title="=HYPERLINK(\"http://x\")")
        before = rows_of(program)
        data = transfer.export_xlsx(program)
        wb = load_workbook(io.BytesIO(data))
        self.assertEqual(wb.sheetnames, ["Chương trình", "Mục tiêu", "Nhiệm vụ", "Chỉ tiêu (KPI)",
                                         "Phân công - Trách nhiệm", "Nghĩa vụ định kỳ"])  # fmt: skip
        tasks = wb["Nhiệm vụ"]
        header = [c.value for c in tasks[1]]
        self.assertEqual(header[:2], ["Số thứ tự", "Tên ngắn"])
        self.assertEqual(tasks.max_row, 14)
        cell = tasks.cell(3, 2)
        self.assertEqual((cell.value, cell.data_type), ("'=HYPERLINK(\"http://x\")", "s"))
        kpis = wb["Chỉ tiêu (KPI)"]
        self.assertEqual(kpis.max_row, 13)
        head = {r[0].value: r[1].value for r in wb["Chương trình"].iter_rows(min_row=2)}
        self.assertEqual(head["Số quyết định"], "936/QĐ-UBND")
        self.assertEqual(head["Cơ quan thường trực"], "A35.STTTT")
        again = self.reimport(program, data, "qd936.xlsx")
        self.assertEqual(rows_of(again), before)
        self.assertEqual(again.tasks.get(number=2).title, "=HYPERLINK(\"http://x\")")

    def test_export_command_and_import_command(self):
        import tempfile

        program = self.load_936()
        before = rows_of(program)
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("yaml", "xlsx"):
                path = Path(tmp) / f"p.{fmt}"
                call_command("export_program", program.code, "--format", fmt, "-o", str(path), verbosity=0)
                with self.assertRaisesMessage(CommandError, "đã có chương trình mã “hanam-qd936-2017”"):
                    call_command("import_program", str(path), verbosity=0)
                call_command("import_program", str(path), "--replace", verbosity=0)
                program = Program.objects.get(code="hanam-qd936-2017")
                self.assertEqual(rows_of(program), before)
        self.assertEqual(AuditEntry.objects.filter(action="program.replace").count(), 2)
        with self.assertRaisesMessage(CommandError, "No program 'khong-co'"):
            call_command("export_program", "khong-co", "-o", "/dev/null", verbosity=0)


BAD = """\
format: chiso-program/1
program:
  code: bad-program
  title: Chương trình lỗi
  decision_number: 1/QĐ-UBND
  decision_date: 2024-01-10
  issuer: UBND tỉnh Thử
  signer: Người Ký
  starts_on: 2024-01-01
  ends_on: 2025-12-31
  framework_id: vn-ict-index-2016-province
  progress_due_days: 900
standing_body: A35.KHONGCO
objectives:
- {id: top, kind: specific, text: Top 10, target_rank: 10, target_year: 2040}
tasks:
- number: 1
  title: Một
  text: Nhiệm vụ một
  lead: A35.STTTT
  deadline: 2027-01-01
  objective: khong-co
  components: [khong_co_chi_so]
  kpis:
  - {name: Tỷ lệ, unit: '%', target: 150, source: indicator, indicator: dvc_muc_3}
  - {name: Không hữu hạn, target: .nan, source: reported}
  - {name: Mã sai, source: indicator, indicator: khong_co_ma}
- number: 1
  title: Trùng số
  text: Nhiệm vụ trùng số
  lead: '@khong_co_nhom'
  deadline: [1]
  supporting: [A35.SNV, A35.XYZ]
- number: 3
  text: Thiếu tên và cơ quan chủ trì
  deadlne: 2025-01-01
obligations:
- {title: Báo cáo, agency: A35.STTTT, recurrence: weekly}
"""


class RefusalTestCase(TransferTestCase):
    def refuse(self, data: bytes, name: str, **kw) -> list[str]:
        counts = [m.objects.count() for m in (Program, Task, Kpi, Objective, Obligation, Duty, AuditEntry)]
        with self.assertRaises(transfer.FileRefused) as cm:
            transfer.import_program(data, name, ACTOR, **kw)
        self.assertEqual(
            [m.objects.count() for m in (Program, Task, Kpi, Objective, Obligation, Duty, AuditEntry)], counts
        )
        return [str(p) for p in cm.exception.problems]

    def assertHas(self, problems: list[str], *parts: str):
        hits = [p for p in problems if all(x in p for x in parts)]
        self.assertTrue(hits, f"no problem with {parts} in:\n" + "\n".join(problems))

    def test_every_problem_of_a_yaml_file_by_row_and_field_and_nothing_written(self):
        problems = self.refuse(BAD.encode(), "bad.yaml")
        expected = [
            ("Chương trình", "“signer_title”", "thiếu (bắt buộc)"),
            ("“progress_due_days”", "phải từ 0 đến 365", "900"),
            ("“standing_body”", "mã cơ quan “A35.KHONGCO” không có"),
            ("Mục tiêu thứ 1", "“target_year”", "phải từ 2024 đến 2030"),
            ("Nhiệm vụ thứ 1", "“deadline”", "nằm ngoài thời gian của chương trình", "dòng 21"),
            ("Nhiệm vụ thứ 1", "“objective”", "không có mục tiêu mã “khong-co”"),
            ("Nhiệm vụ thứ 1", "“components”", "không có chỉ số “khong_co_chi_so”"),
            ("Nhiệm vụ thứ 1, chỉ tiêu thứ 1", "“target”", "đơn vị là % nên phải từ 0 đến 100"),
            ("Nhiệm vụ thứ 1, chỉ tiêu thứ 2", "“target”", "số hữu hạn"),
            ("Nhiệm vụ thứ 1, chỉ tiêu thứ 3", "“indicator”", "không có chỉ số “khong_co_ma”"),
            ("Nhiệm vụ thứ 2", "“number”", "trùng"),
            ("Nhiệm vụ thứ 2", "“lead”", "không có nhóm cơ quan “khong_co_nhom”"),
            ("Nhiệm vụ thứ 2", "“deadline”", "phải là một ngày"),
            ("Nhiệm vụ thứ 2", "“supporting”", "“A35.XYZ”"),
            ("Nhiệm vụ thứ 3", "“title”", "thiếu"),
            ("Nhiệm vụ thứ 3", "“lead”", "thiếu"),
            ("Nhiệm vụ thứ 3", "“deadlne”", "không có trong định dạng"),
            ("Nghĩa vụ định kỳ thứ 1", "“recurrence”", "“weekly”"),
        ]
        for parts in expected:
            self.assertHas(problems, *parts)
        self.assertGreaterEqual(len(problems), 18)

    def test_an_existing_code_is_refused_unless_replaced_and_never_when_something_was_recorded(self):
        program = self.load_936("--demo")
        data = transfer.export_yaml(program).encode()
        self.assertHas(self.refuse(data, "p.yaml"), "“code”", "đã có chương trình mã “hanam-qd936-2017”")
        self.assertHas(self.refuse(data, "p.yaml", replace=True), "“code”", "đã có báo cáo tiến độ")
        self.assertEqual(Program.objects.get().pk, program.pk)

    def test_xlsx_problems_name_the_sheet_row_and_column(self):
        program = self.load_936()
        wb = load_workbook(io.BytesIO(transfer.export_xlsx(program)))
        wb["Nhiệm vụ"].cell(4, 6).value = "A35.KHONGCO"  # task 3's lead
        wb["Chỉ tiêu (KPI)"].cell(3, 7).value = "nhiều"  # the second KPI's target
        wb["Chỉ tiêu (KPI)"].cell(5, 1).value = 99  # the fourth KPI's task
        wb["Nghĩa vụ định kỳ"].cell(1, 7).value = "Cột lạ"
        buf = io.BytesIO()
        wb.save(buf)
        problems = self.refuse(buf.getvalue(), "p.xlsx", replace=True)
        self.assertHas(problems, "Trang “Nhiệm vụ”, dòng 4, cột “Chủ trì”", "A35.KHONGCO")
        self.assertHas(problems, "Trang “Chỉ tiêu (KPI)”, dòng 3, cột “Chỉ tiêu”", "phải là một số", "nhiều")
        self.assertHas(problems, "Trang “Chỉ tiêu (KPI)”, dòng 5, cột “Nhiệm vụ số”", "không có nhiệm vụ số 99")
        self.assertHas(problems, "Trang “Nghĩa vụ định kỳ”, dòng 1, cột “Cột lạ”", "không có trong định dạng")

    def test_the_first_fifty_problems_are_listed_and_the_rest_counted(self):
        tasks = "".join(f"- {{number: {n}, title: T{n}, text: T, lead: X.{n}}}\n" for n in range(1, 61))
        head = BAD.split("objectives:")[0].replace("A35.KHONGCO", "A35.STTTT").replace("900", "10")
        head = head.replace("  signer: Người Ký\n", "  signer: Người Ký\n  signer_title: Phó Chủ tịch\n")
        with self.assertRaises(transfer.FileRefused) as cm:
            transfer.import_program((head + "tasks:\n" + tasks).encode(), "many.yaml", ACTOR)
        e = cm.exception
        self.assertEqual((len(e.problems), len(e.listed.shown), e.listed.more), (60, 50, 10))
        self.assertIn("Tệp có 60 lỗi", e.message)

    def test_unsafe_or_broken_files_are_refused_as_a_whole(self):
        deep = "a: " + "[" * 200 + "]" * 200
        self.assertHas(self.refuse(deep.encode(), "deep.yaml"), "lồng nhau quá")
        self.assertHas(self.refuse(b"program: !!python/object/apply:os.system ['true']\n", "x.yaml"), "YAML")
        self.assertHas(self.refuse(b"PK\x03\x04 not a zip", "x.xlsx"), "không phải là tệp Excel")
        self.assertHas(self.refuse(b"- 1\n- 2\n", "list.yaml"), "thiếu phần “program”")
        self.assertHas(self.refuse(b"\xff\xfe\x00", "x.yaml"), "UTF-8")
        aliases = "tasks: [&t {title: a}, " + "*t, " * 25_000 + "*t]\n"  # 120 kB standing for 25 000 tasks
        self.assertHas(self.refuse(aliases.encode(), "alias.yaml"), "giới hạn của một lần nhập")


class NinhBinhDemoTestCase(TestCase):
    """The demonstration DTI program imports on a database prepared by setup_province as of today."""

    @classmethod
    def setUpTestData(cls):
        call_command("setup_province", "Ninh Bình", "--as-of", "2026-12-06", "--demo", verbosity=0)

    def test_the_demo_dti_program_imports_with_agencies_by_type(self):
        path = Path(cases.HERE) / "demo_dti_2026" / "program.yaml"
        data = path.read_bytes()
        self.assertNotIn("@2025-07-01", data.decode())  # no database id in the file
        call_command("import_program", str(path), "--demo", verbosity=0)
        p = Program.objects.get(code="ninhbinh-dti-2026-2030-minh-hoa")
        self.assertIn("minh họa", p.title)
        self.assertIn("minh họa", p.decision_number)
        self.assertEqual((p.starts_on, p.ends_on, p.framework_id), (dt.date(2026, 1, 1), dt.date(2030, 12, 31),
                                                                     "vn-dti-2024-province"))  # fmt: skip
        self.assertTrue(p.standing_body.is_standing_body)
        self.assertEqual(p.standing_body.name, "Sở Khoa học và Công nghệ tỉnh Ninh Bình")
        self.assertEqual(
            list(p.objectives.filter(kind="specific").order_by("target_year").values_list("target_year", "target_rank")),
            [(2026, 20), (2027, 17), (2028, 15), (2029, 12), (2030, 10)],
        )
        self.assertEqual(p.tasks.count(), 8)
        codes = set(Kpi.objects.filter(task__program=p, source="indicator").values_list("indicator_code", flat=True))
        self.assertEqual(codes, {"nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang",
                                 "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so"})  # fmt: skip
        communes = Agency.objects.valid_on(dt.date(2026, 1, 1)).filter(kind="commune", unit__parent__name__contains="Ninh Bình")
        self.assertGreater(communes.count(), 100)
        t1 = p.tasks.get(number=1)
        self.assertEqual(t1.lead_agency, p.standing_body)
        self.assertTrue(set(communes) <= set(t1.supporting_agencies.all()))
        self.assertEqual(p.tasks.get(number=4).lead_agency.name, "Sở Nội vụ tỉnh Ninh Bình")
        conf = p.obligations.get(recurrence="after_publication")
        self.assertEqual(conf.agency, p.standing_body)
        self.assertIn("Hội nghị", conf.title)
        reports = ProgressReport.objects.filter(task__program=p)
        self.assertEqual(reports.count(), 3)
        self.assertTrue(all(r.is_demo and "DỮ LIỆU MINH HỌA" in r.narrative for r in reports))
        # `make run` again: the program is kept, the demonstration part not loaded twice
        with self.assertRaisesMessage(CommandError, "đã có chương trình mã"):
            call_command("import_program", str(path), verbosity=0)
        call_command("import_program", str(path), "--demo", "--keep-existing", verbosity=0)
        self.assertEqual((Program.objects.get(code=p.code).pk, reports.count()), (p.pk, 3))
        # and it exports and imports back unchanged (without its demonstration part: the file has none)
        before = {k: v for k, v in rows_of(p).items() if k not in ("reports", "recommendations", "obligations")}
        text = transfer.export_yaml(p)
        p.delete()
        transfer.import_program(text.encode(), "nb.yaml", ACTOR)
        again = Program.objects.get(code="ninhbinh-dti-2026-2030-minh-hoa")
        self.assertEqual({k: v for k, v in rows_of(again).items() if k in before}, before)
