"""The three reports for the reference case (Hà Nam, QĐ 936, demonstration data), checked against the
database; the first page of each is rendered to docs/screenshots/report-*.png."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase, override_settings

from chiso.collection.models import Round, Submission, Value
from chiso.docgen import check, render_png
from chiso.orgs import audit
from chiso.program.models import Task
from chiso.reports import documents, services
from chiso.reports.frameworks import QUARTERLY_ID
from chiso.reports.models import ReportJob
from chiso.results.models import IndexRun

from . import files
from .test_charts import colours, rgb, web_light_colours

# What the issue found in print (issue 14): each must be gone from every report.
LEFTOVERS = (
    "None",
    "nan",
    "docs/",
    "quy tắc:",
    "/BC-STTTT/BC",
    "–None",
    "..",
    "demonstration",
    "chiso",
    "(KPI)",
    "DVCTT",
    "— từ 2016 năm",  # the index's edition read into the title ("… cấp tỉnh — từ 2016 năm 2017")
    "Bộ chỉ số Chỉ số",
    "(minh họa)” (minh họa)",
    "2–2",  # a rank range of one rank
)


class ReferenceCaseReportsTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="chiso-test-reports-")
        cls._override = override_settings(PRIVATE_MEDIA_ROOT=Path(cls._media))
        cls._override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        for cmd, args in (
            ("load_reference_case", ["--demo"]),
            ("load_demo_results", []),
            ("load_program_936", ["--demo"]),
            ("load_quarterly_demo", ["--demo"]),
        ):
            call_command(cmd, *args, verbosity=0)
        actor = audit.Actor()
        cls.annual = services.run_job(
            services.create_job(
                "annual",
                {
                    "framework_id": "vn-ict-index-2016-province",
                    "year": 2017,
                    "sign_authority": "KT. GIÁM ĐỐC",
                    "sign_title": "PHÓ GIÁM ĐỐC",
                    "date": "2018-02-05",
                    "number": "12/BC-STTTT",  # the whole number typed into the number field
                },
                actor,
            ).pk
        )
        # Dated within the reference case (Hà Nam's bodies end in 2025): the header is read for that date.
        cls.annual_dti = services.run_job(services.create_job("annual", {"date": "2023-03-15"}, actor).pk)
        cls.quarterly = services.run_job(
            services.create_job(
                "quarterly", {"year": 2017, "quarter": 4, "date": "2018-01-12", "number": "3"}, actor
            ).pk
        )
        cls.progress = services.run_job(
            services.create_job(
                "progress",
                {"date_from": "2017-07-01", "date_to": "2017-12-31", "date": "2018-01-12", "number": "15/BC"},
                actor,
            ).pk
        )

    def test_it_generates_every_report(self):
        for job in (self.annual, self.annual_dti, self.quarterly, self.progress):
            self.assertEqual(job.status, ReportJob.Status.DONE, job.error)
            self.assertTrue(job.is_demo)
            self.assertIn("DỮ LIỆU MINH HỌA", files.pdf_text(job))

    def test_it_renders_first_pages(self):
        for job, name in (
            (self.annual_dti, "report-annual"),
            (self.quarterly, "report-quarterly"),
            (self.progress, "report-progress"),
        ):
            self.assertGreater(files.first_page_png(job, name).stat().st_size, 10_000)

    def test_annual_matches_the_run(self):
        run = IndexRun.objects.filter(framework_id="vn-dti-2022-province").latest("year", "created")
        text = files.docx_text(self.annual_dti)
        score = f"{run.score:.4f}".replace(".", ",")
        self.assertIn(f"đạt {score} điểm, hạng {run.rank}/{run.n_units}", text)
        self.assertIn(f"đạt {score} điểm", files.pdf_text(self.annual_dti))
        rows = files.table_rows(self.annual_dti, "Bảng 2.")
        by_code = {n["name"]: n for n in run.summary["nodes"] if n["depth"] == 1}
        for row in rows[1:]:
            self.assertEqual(row[1], f"{by_code[row[0]]['score']:.4f}".replace(".", ","))
            self.assertEqual(row[2], str(by_code[row[0]]["rank"]))

    def test_annual_lists_tasks_and_open_recommendations(self):
        text = files.docx_text(self.annual)
        for task in Task.objects.all():
            self.assertIn(task.title, text)
        self.assertIn("Sở Tư pháp", files.table_rows(self.annual, "Bảng 3.")[-1][2] + text)

    def test_quarterly_matches_approved_values(self):
        rnd = Round.objects.get(framework_id=QUARTERLY_ID, year=2017, quarter=4)
        received = sum(
            Value.objects.filter(
                submission__round=rnd, submission__status=Submission.Status.APPROVED, code="ho_so_tiep_nhan"
            ).values_list("number", flat=True)
        )
        total = f"{int(received):,}".replace(",", ".")
        self.assertIn(f"các cơ quan tiếp nhận {total} hồ sơ", files.docx_text(self.quarterly))
        self.assertEqual(files.table_rows(self.quarterly, "Bảng 1.")[-1][:2], ["Toàn tỉnh", total])
        ws = files.xlsx(self.quarterly)
        sheet = ws[[n for n in ws.sheetnames if n.startswith("Bảng 1")][0]]
        last = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "Toàn tỉnh"][0]
        self.assertEqual(last[1], received)
        self.assertEqual(len(self.quarterly.snapshot["missing"]), 1)

    def test_progress_lists_the_program_tasks(self):
        snap = self.progress.snapshot["program"]
        self.assertTrue(snap["available"])
        self.assertEqual(len(snap["tasks"]), Task.objects.count())
        rows = files.table_rows(self.progress, "Tình hình thực hiện các nhiệm vụ")
        self.assertEqual(len(rows) - 1, Task.objects.count())

    def test_a_report_after_the_program_ended_says_so_in_its_sentence(self):
        # QĐ 936 ran 23/6/2017–31/12/2020; a report dated 15/03/2023 judges it as at its end and says so.
        text = files.docx_text(self.annual_dti)
        self.assertIn(
            "Chương trình đã kết thúc ngày 31/12/2020; tình hình được đánh giá tại ngày kết thúc. Chương trình có",
            text,
        )
        self.assertNotIn("đã kết thúc", files.docx_text(self.annual))  # dated 2018: still running

    # --- as printed (issue 14): the DOCX, headers and footers included ---

    def jobs(self):
        return {"annual": self.annual, "annual_dti": self.annual_dti, "quarterly": self.quarterly,
                "progress": self.progress}

    def test_no_leftover_is_printed(self):
        for name, job in self.jobs().items():
            text = check.docx_text(files.read(job.docx))
            for leftover in LEFTOVERS:
                self.assertNotIn(leftover, text, name)
            self.assertEqual([str(f) for f in check.leftovers(text, name)], [], name)

    def test_the_number_field_prints_the_number_once(self):
        # typed "12/BC-STTTT", "3" and "15/BC": each printed once with the body's symbol; below 10 as "03"
        for job, line in (
            (self.annual, "Số: 12/BC-STTTT"),
            (self.quarterly, "Số: 03/BC-STTTT"),
            (self.progress, "Số: 15/BC-STTTT"),
        ):
            header = [c.text for row in files.docx(job).tables[0].rows for c in row.cells]
            self.assertIn(line, header)

    def test_titles_name_the_index_and_year_once(self):
        text = files.docx_text(self.annual)
        self.assertIn(
            "Phân tích kết quả Chỉ số sẵn sàng cho phát triển và ứng dụng CNTT-TT (Vietnam ICT Index) cấp tỉnh "
            "năm 2017 của tỉnh Hà Nam",
            text,
        )
        self.assertIn("Phân tích kết quả Chỉ số chuyển đổi số cấp tỉnh (DTI) năm 2022 của tỉnh Hà Nam",
                      files.docx_text(self.annual_dti))
        # the 2016 estimate (one rank, 2) as a rank, not a range "2–2"
        self.assertEqual(files.table_rows(self.annual, "Bảng 1.")[1][:3], ["2016", "0,6728", "ước tính hạng 2"])

    def test_sections_are_numbered_by_the_template(self):
        paragraphs = [p.text for p in files.docx(self.progress).paragraphs]
        self.assertIn("I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ, CHỈ TIÊU", paragraphs)
        self.assertIn("II. KIẾN NGHỊ CỦA CÁC CƠ QUAN", paragraphs)
        quarterly = [p.text for p in files.docx(self.quarterly).paragraphs]
        self.assertIn("II. SO SÁNH VỚI QUÝ 3/2017", quarterly)
        self.assertIn("V. KIẾN NGHỊ, ĐỀ XUẤT", quarterly)

    def test_the_task_chart_colours_each_bar_by_its_light(self):
        web = web_light_colours()  # as the web draws the lights
        spec = documents.build(self.progress.snapshot, self.progress.params)
        chart = [c for c in spec.charts if c.key == "tasks"][0]
        tasks = self.progress.snapshot["program"]["tasks"]
        self.assertEqual(chart.colors, [web[t["light"]] for t in tasks])
        # the legend: the four lights in the web's colours, each with its number of tasks
        counts = {k: sum(1 for t in tasks if t["light"] == k) for k in web}
        self.assertEqual(chart.legend, [
            (f"Đúng tiến độ ({counts['green']})", web["green"]),
            (f"Cần chú ý ({counts['amber']})", web["amber"]),
            (f"Chậm / không đạt ({counts['red']})", web["red"]),
            (f"Chưa có số liệu ({counts['grey']})", web["grey"]),
        ])
        # task 7 (QĐ 936: Một cửa điện tử to every commune in 2017) reported 70% at risk: a red bar of 70
        seven = [t["number"] for t in tasks].index(7)
        self.assertEqual((tasks[seven]["light"], chart.series[0][1][seven]), ("red", 70))
        pixels = colours(render_png(chart))
        for light in ("green", "red", "grey"):
            self.assertIn(rgb(web[light]), pixels, light)
        self.assertIn("Hình 1. Mức độ hoàn thành của từng nhiệm vụ", files.docx_text(self.progress))

