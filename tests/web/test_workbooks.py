"""Issue 14, points 4 and 5: every workbook the site serves, opened with openpyxl as a reader's
spreadsheet program would open it — numbers and dates as typed cells in Vietnamese-looking formats,
the header row frozen, sheet names within 31 characters that end on a whole word of their title,
names where a reader expects a name, the demonstration label on every sheet of demonstration data,
and a download name that says what the file is in ASCII words.

The data is the reference case with its demonstration parts (recommendations, the QĐ 936 program,
the ICT Index 2017 round, the internal ranking of the districts); the report job's workbook is
written from a small document spec."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from chiso.assessment.models import Round as RankingRound
from chiso.collection import excel
from chiso.collection.models import Round, Submission
from chiso.docgen import DocumentSpec, Header, Signature, Table, render_xlsx
from chiso.lib.xlsx import sheet_title
from chiso.program.models import Kpi, Program, Recommendation, Task

DEMO = "DỮ LIỆU MINH HỌA"
# A number or a date written as text the Vietnamese way (what a cell must not hold): "34", "0,69",
# "1.234", "−3", "45,9%", "06/12/2026".
NUMBER_AS_TEXT = re.compile(r"[+\-−]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?%?")
DATE_AS_TEXT = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
# The choices of the program file as its YAML writes them: English words a reader must not meet.
CHOICE_CODES = {"general", "specific", "none", "monthly", "quarterly", "yearly", "after_publication", "up", "down",
                "indicator", "reported"}  # fmt: skip
FILENAME = re.compile(r'attachment; filename="([a-z0-9-]+)\.xlsx"')


def book(data: bytes):
    return load_workbook(io.BytesIO(data))


def cell_rows(ws, start: int):
    return [row for row in ws.iter_rows(min_row=start) if any(c.value is not None for c in row)]


def header_at(ws, first: str) -> int:
    """The row of the table's header: the one whose first cell is ``first``."""
    return next(row[0].row for row in ws.iter_rows(max_row=10) if row[0].value == first)


def reads_whole(name: str, title: str) -> bool:
    """The sheet's name is its title's first words, whole (a repeat's " (2)" aside), the title perhaps
    written with the administration's short forms."""
    name = re.sub(r" \(\d+\)$", "", name)
    title = title.replace("/", "-")
    short = title.replace("chuyển đổi số", "CĐS").replace("thủ tục hành chính", "TTHC")
    return any((t + " ").startswith(name + " ") for t in (title, short))


class WorkbookAssertions:
    def assertTable(self, ws, first: str, *, demo: bool, labels: tuple[str, ...] = ()) -> tuple[list, list]:
        """The sheet's table: frozen below its header, the demonstration label on top when ``demo``,
        no number or date written as text (but in ``labels``, columns of labels such as "Mục": "4a",
        "3"). Returns the header and the data rows (cells)."""
        head = header_at(ws, first)
        self.assertEqual(ws.freeze_panes, f"A{head + 1}", ws.title)
        self.assertSheetLabel(ws, demo)
        header = [c.value for c in ws[head]]
        rows = cell_rows(ws, head + 1)
        self.assertTrue(rows, ws.title)
        for row in rows:
            for c in row:
                if c.data_type == "s" and header[c.column - 1] not in labels:
                    text = c.value.strip()
                    self.assertFalse(NUMBER_AS_TEXT.fullmatch(text) or DATE_AS_TEXT.fullmatch(text),
                                     f"{ws.title}!{c.coordinate}: {text!r} is a number or a date written as text")
        return header, rows

    def assertSheetLabel(self, ws, demo: bool):
        top = " ".join(str(c.value) for row in ws.iter_rows(max_row=2) for c in row if c.value is not None)
        if demo:
            self.assertIn(DEMO, top, ws.title)
            self.assertIn(DEMO, ws.oddHeader.center.text or "", ws.title)  # and on the printed page
        else:
            self.assertFalse(any(DEMO in str(c.value) for row in ws.iter_rows() for c in row if c.value), ws.title)

    def assertNames(self, wb, titles: list[str]):
        """Each sheet's name: at most 31 characters, the whole first words of its title, unique."""
        self.assertEqual(len(wb.sheetnames), len(titles))
        for name, title in zip(wb.sheetnames, titles, strict=True):
            self.assertLessEqual(len(name), 31, name)
            self.assertTrue(reads_whole(name, title), f"{name!r} does not end on a whole word of {title!r}")
        self.assertEqual(len({n.casefold() for n in wb.sheetnames}), len(wb.sheetnames))

    def assertFilename(self, response, expected: str):
        m = FILENAME.fullmatch(response["Content-Disposition"])
        self.assertIsNotNone(m, response["Content-Disposition"])
        self.assertEqual(m[1], expected)


class SiteWorkbooksTestCase(WorkbookAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_program_936", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)
        cls.admin = get_user_model().objects.get(username="sotttt.quantri")

    def setUp(self):
        self.client.force_login(self.admin)

    def get(self, url: str):
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        return r

    def test_recommendations(self):
        recs = list(Recommendation.objects.order_by("-created", "-id"))
        self.assertTrue(recs and all(r.is_demo for r in recs))
        r = self.get("/kien-nghi/xuat.xlsx")
        self.assertFilename(r, f"kien-nghi-ngay-{timezone.localdate():%d-%m-%Y}")
        wb = book(r.content)
        self.assertNames(wb, ["Kiến nghị"])
        header, rows = self.assertTable(wb["Kiến nghị"], "STT", demo=True)
        self.assertEqual(header[:6], ["STT", "Tiêu đề", "Cơ quan gửi", "Loại", "Nhiệm vụ", "Chỉ số thành phần"])
        self.assertNotIn("Dữ liệu minh họa", header)  # all of them are: the label says it once per sheet
        col = {h: i for i, h in enumerate(header)}
        self.assertEqual([row[0].value for row in rows], list(range(1, len(recs) + 1)))  # a row number, not an id
        self.assertTrue(all(row[0].data_type == "n" for row in rows))
        sent = [row[col["Ngày gửi"]] for row in rows]
        self.assertEqual([c.value for c in sent],
                         [dt.datetime.combine(timezone.localtime(x.created).date(), dt.time()) for x in recs])
        self.assertTrue(all(c.number_format == "dd/mm/yyyy" for c in sent))
        # the components by the names the ICT Index 2016 gives them, never their codes
        components = {row[col["Chỉ số thành phần"]].value for row in rows}
        self.assertEqual(components, {"Dịch vụ công trực tuyến", "Hạ tầng nhân lực xã hội",
                                      "Ứng dụng nội bộ cơ quan nhà nước"})  # fmt: skip

    def test_program_export(self):
        program = Program.objects.get(code="hanam-qd936-2017")
        r = self.get(f"/chuong-trinh/{program.pk}/xuat.xlsx")
        # what the file is, from the decision's title ("<code>.xlsx" said nothing)
        self.assertFilename(r, "chuong-trinh-hanh-dong-nang-cao-chi-so-san-sang-cho-phat-trien-va-ung-dung-cong")
        wb = book(r.content)
        titles = ["Chương trình", "Mục tiêu", "Nhiệm vụ", "Chỉ tiêu (KPI)", "Phân công - Trách nhiệm",
                  "Nghĩa vụ định kỳ"]  # fmt: skip
        self.assertNames(wb, titles)
        self.assertEqual(wb.sheetnames, titles)  # the import reads the sheets by these names
        labels = ("Mục trong văn bản", "Mục", "Giá trị")  # sections ("3", "4a") and the decision's fields are labels
        firsts = ["Trường", "Mã mục tiêu", "Số thứ tự", "Nhiệm vụ số", "Mục", "Nghĩa vụ"]
        tables = {name: self.assertTable(wb[name], first, demo=False, labels=labels)
                  for name, first in zip(titles, firsts, strict=True)}  # fmt: skip
        # every column of codes the import reads is followed by the names a reader looks for
        for name, (header, rows) in tables.items():
            for code_col, name_col in (("Chủ trì", "Tên cơ quan chủ trì"), ("Phối hợp", "Tên cơ quan phối hợp"),
                                       ("Chỉ số thành phần", "Tên chỉ số thành phần"), ("Mã chỉ số", "Tên chỉ số"),
                                       ("Bộ chỉ số", "Tên bộ chỉ số"), ("Cơ quan", "Tên cơ quan"),
                                       ("Cơ quan thực hiện", "Tên cơ quan thực hiện"),
                                       ("Cơ quan cung cấp số liệu", "Tên cơ quan cung cấp số liệu")):  # fmt: skip
                if code_col in header:
                    self.assertEqual(header[header.index(code_col) + 1], name_col, name)
            values = {c.value for row in rows for c in row if c.data_type == "s"}
            self.assertFalse(values & CHOICE_CODES, f"{name}: {values & CHOICE_CODES}")
        header, rows = tables["Nhiệm vụ"]
        col = {h: i for i, h in enumerate(header)}
        online = Task.objects.get(program=program, components=["dvctt"])
        row = next(r for r in rows if r[0].value == online.number)
        self.assertEqual((row[col["Chỉ số thành phần"]].value, row[col["Tên chỉ số thành phần"]].value),
                         ("dvctt", "Dịch vụ công trực tuyến"))
        self.assertEqual(row[col["Tên cơ quan chủ trì"]].value, online.lead_agency.name)
        deadlines = [(r[0].value, r[col["Thời hạn"]]) for r in rows if r[col["Thời hạn"]].value is not None]
        self.assertTrue(deadlines)
        for number, c in deadlines:
            task = Task.objects.get(program=program, number=number)
            self.assertEqual((c.value, c.number_format), (dt.datetime.combine(task.deadline, dt.time()), "dd/mm/yyyy"))
        # the KPIs' numbers are numbers: baseline and target as the decision sets them
        header, rows = tables["Chỉ tiêu (KPI)"]
        col = {h: i for i, h in enumerate(header)}
        kpis = sorted(Kpi.objects.filter(task__program=program), key=lambda k: (k.task.number, k.order, k.pk))
        self.assertEqual(len(rows), len(kpis))
        numbers = 0
        for row, k in zip(rows, kpis, strict=True):
            for field, value in (("Giá trị gốc", k.baseline), ("Chỉ tiêu", k.target), ("Năm gốc", k.baseline_year)):
                c = row[col[field]]
                self.assertEqual(c.value, value, (k.name, field))
                if value is not None:
                    self.assertEqual(c.data_type, "n")
                    numbers += 1
            self.assertEqual(row[col["Chiều"]].value, "giảm" if k.direction == -1 else "tăng")
        self.assertGreater(numbers, 0)
        program_sheet = {r[0].value: r[1].value for r in wb["Chương trình"].iter_rows(min_row=2)}
        self.assertEqual(program_sheet["Tên cơ quan thường trực"], program.standing_body.name)
        self.assertEqual(program_sheet["Công khai"], "có" if program.is_public else "không")

    def test_internal_ranking_results(self):
        rnd = RankingRound.objects.get(year=2022)
        self.assertTrue(rnd.is_demo)
        wb = book(self.get(f"/xep-hang-noi-bo/dot/{rnd.pk}/ket-qua.xlsx").content)
        self.assertNames(wb, ["Xếp hạng 2022", "Ghi chú"])
        header, rows = self.assertTable(wb["Xếp hạng 2022"], "Hạng", demo=True)
        self.assertSheetLabel(wb["Ghi chú"], demo=True)
        self.assertFalse([h for h in header if "Mã" in h])  # no code column
        self.assertIn("Tỷ lệ điểm đạt (%)", header)
        self.assertIn("Thay đổi tỷ lệ so với năm trước (điểm %)", header)
        col = {h: i for i, h in enumerate(header)}
        codes = set(rnd.participants.values_list("agency__code", flat=True))
        self.assertFalse({c.value for row in rows for c in row} & codes)
        names = set(rnd.participants.values_list("agency__name", flat=True))
        self.assertEqual({row[col["Đơn vị"]].value for row in rows}, names)
        ranks = [row[col["Hạng"]] for row in rows if row[col["Hạng"]].value is not None]
        self.assertEqual([c.value for c in ranks], list(range(1, len(ranks) + 1)))
        self.assertTrue(all(c.data_type == "n" and c.number_format == "0" for c in ranks))
        for row in rows:
            points, maximum, rate = (row[col[h]] for h in ("Điểm cuối cùng", "Điểm tối đa", "Tỷ lệ điểm đạt (%)"))
            self.assertEqual({points.data_type, maximum.data_type, rate.data_type}, {"n"})
            self.assertAlmostEqual(rate.value, points.value / maximum.value * 100, delta=0.01)
            self.assertEqual(points.number_format, "#,##0.00")
        notes = "\n".join(str(c.value) for row in wb["Ghi chú"].iter_rows() for c in row if c.value)
        self.assertIn("Bộ chỉ số: Bộ chỉ số đánh giá chuyển đổi số các cơ quan, đơn vị tỉnh Hà Nam (mẫu)", notes)
        self.assertIn(f"Quyết định số {rnd.decision_number} ngày {rnd.decision_date:%d/%m/%Y}", notes)
        for internal in ("hanam-cds-noibo-2022", "sha256", rnd.framework_sha256[:12]):
            self.assertNotIn(internal, notes)

    def test_collection_template_and_its_import(self):
        sub = Round.objects.get(framework_id="vn-ict-index-2016-province", year=2017).submissions.get(
            agency__code="A35.SGDDT")  # "Sở GD&ĐT Hà Nam"
        r = self.get(f"/bieu-mau/{sub.pk}/mau.xlsx")
        self.assertFilename(r, "bieu-mau-so-gd-dt-ha-nam-so-lieu-ict-index-nam-2017-minh-hoa")  # Đ is D, not dropped
        data = r.content
        wb = book(data)
        self.assertNames(wb, ["Biểu mẫu", "Hướng dẫn"])
        self.assertEqual(wb.sheetnames[0], "Biểu mẫu")  # with its accents
        header, rows = self.assertTable(wb["Biểu mẫu"], "Mã chỉ số", demo=True)
        self.assertSheetLabel(wb["Hướng dẫn"], demo=True)
        self.assertEqual(header[:2], ["Mã chỉ số", "Tên chỉ số"])  # the one code column, headed as such, named
        for row in rows:
            for c in row[3:6]:  # minimum, maximum, value
                self.assertIn(c.data_type, ("n", "s") if c.column == 6 else ("n",), c.coordinate)
        # the import finds the header under the demonstration label and says the Excel rows
        ws = wb["Biểu mẫu"]
        head = header_at(ws, "Mã chỉ số")
        ws.cell(head + 1, 6).value = 7
        buf = io.BytesIO()
        wb.save(buf)
        preview = excel.parse(sub, buf.getvalue())
        self.assertEqual(preview.errors, [])
        line = next(ln for ln in preview.lines if ln["code"] == ws.cell(head + 1, 1).value)
        self.assertEqual(line["row"], head + 1)

    def test_an_old_template_still_imports(self):
        sub = Submission.objects.filter(round__year=2017, round__framework_id="vn-ict-index-2016-province").first()
        code = book(excel.template_bytes(sub))["Biểu mẫu"]
        first = code.cell(header_at(code, "Mã chỉ số") + 1, 1).value
        wb = Workbook()  # as the template was written before: "Bieu mau", the header on the first row
        ws = wb.active
        ws.title = "Bieu mau"
        ws.append(excel.COLUMNS)
        ws.append([first, "", "", None, None, 5, None])
        buf = io.BytesIO()
        wb.save(buf)
        preview = excel.parse(sub, buf.getvalue())
        self.assertEqual(preview.errors, [])
        self.assertEqual([(ln["code"], ln["row"]) for ln in preview.lines], [(first, 2)])

    def test_compilation(self):
        rnd = Round.objects.get(framework_id="vn-ict-index-2016-province", year=2017)
        r = self.get(f"/dot/{rnd.pk}/tong-hop.xlsx")
        self.assertFilename(r, "tong-hop-so-lieu-ict-index-nam-2017-minh-hoa")
        wb = book(r.content)
        self.assertNames(wb, ["Tổng hợp", "Ghi chú"])
        header, rows = self.assertTable(wb["Tổng hợp"], "STT", demo=True)
        self.assertSheetLabel(wb["Ghi chú"], demo=True)
        self.assertNotIn("Mã", header)
        self.assertEqual(header[1], "Chỉ số thành phần")
        numbers = [row[0].value for row in rows]  # a component led by several agencies has a row for each
        self.assertEqual(sorted(set(numbers)), list(range(1, max(numbers) + 1)))
        self.assertEqual(numbers, sorted(numbers))
        self.assertTrue(all(row[0].data_type == "n" for row in rows))
        # the components by name: the ICT Index's first one, never its code
        self.assertEqual(rows[0][1].value, "Số thuê bao điện thoại di động trên 100 dân")
        codes = {"thue_bao_di_dong_100_dan", "dvctt", "ud_noi_bo"}
        self.assertFalse({c.value for row in rows for c in row[:8]} & codes)


class ReportWorkbookTestCase(WorkbookAssertions, SimpleTestCase):
    """The report job's workbook (docgen.render_xlsx) from a small document: tables whose builder
    handed some numbers over already printed, long titles, a rate column."""

    def spec(self, demo: str = "") -> DocumentSpec:
        kpis = Table("kpis", "Tình hình thực hiện các nhiệm vụ",
                     ["Nhiệm vụ", "Chỉ tiêu", "Mục tiêu", "Thực tế", "Tỷ lệ", "Ngày gửi", "Mục"],
                     ["rank", "text", "text", "text", "text", "text", "text"],
                     [[1, "Số chuyên mục", "12", "1.234", "45,9%", "07/12/2026", "4a"],
                      [3, "Tỷ lệ máy tính", "1", "0,69", "—", "—", "01"],
                      [4, "Thay đổi", "−3", "+2", None, None, "3a"]])  # fmt: skip
        rates = Table("rates", "Bảng 1. Hồ sơ thủ tục hành chính quý 4/2017 theo cơ quan, địa phương",
                      ["Cơ quan", "Tiếp nhận", "Tỷ lệ đúng hạn", "Tỷ lệ trực tuyến (%)", "Thay đổi"],
                      ["text", "int", "pct", "pct", "delta_pct"],
                      [["Sở Tư pháp", 34079, 97.5, 11.0, -1.25]])  # fmt: skip
        again = Table("again", "Tình hình thực hiện các nhiệm vụ", ["STT", "Điểm"], ["rank", "score"], [[1, 0.5]])
        components = Table("components", "Bảng 2. Chỉ số thành phần so với ngưỡng hạng 20 và tỉnh dẫn đầu",
                           ["Chỉ số thành phần", "Điểm"], ["text", "score"], [["Nhân lực", 0.61234]])
        return DocumentSpec(
            header=Header("UBND TỈNH HÀ NAM", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 12/BC-STTTT", "Hà Nam",
                          dt.date(2018, 2, 5), "BÁO CÁO", "Kết quả"),
            blocks=[kpis, rates, again, components], recipients=["- Lưu: VT."],
            signature=Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"), demo_note=demo,
        )  # fmt: skip

    def test_it_types_what_the_builder_printed_and_names_sheets_whole(self):
        wb = book(render_xlsx(self.spec(demo=DEMO + " — số liệu minh họa")))
        self.assertEqual(wb.sheetnames, ["Thông tin", "Tình hình thực hiện", "Bảng 1. Hồ sơ TTHC quý 4-2017",
                                         "Tình hình thực hiện (2)", "Bảng 2. Chỉ số thành phần"])  # fmt: skip
        self.assertTrue(all(len(n) <= 31 for n in wb.sheetnames))
        self.assertSheetLabel(wb["Thông tin"], demo=True)
        header, rows = self.assertTable(wb["Tình hình thực hiện"], "Nhiệm vụ", demo=True, labels=("Mục",))
        self.assertEqual(wb["Tình hình thực hiện"]["A2"].value, "Tình hình thực hiện các nhiệm vụ")  # the whole title
        got = [[(c.value, c.number_format) for c in row[2:6]] for row in rows]
        self.assertEqual(got[0], [(12, "0"), (1234, "#,##0"), (0.459, "0.0%"), (dt.datetime(2026, 12, 7), "dd/mm/yyyy")])
        self.assertEqual(got[1][:3], [(1, "0"), (0.69, "0.00"), ("—", "General")])
        self.assertEqual([c.value for c in rows[2][2:4]], [-3, 2])
        self.assertEqual([c.value for c in rows[1][6:7]], ["01"])  # a code keeps its leading zero: text
        header, rows = self.assertTable(wb["Bảng 1. Hồ sơ TTHC quý 4-2017"], "Cơ quan", demo=True)
        self.assertEqual(header, ["Cơ quan", "Tiếp nhận", "Tỷ lệ đúng hạn (%)", "Tỷ lệ trực tuyến (%)",
                                  "Thay đổi (điểm %)"])  # rates say their unit once  # fmt: skip
        self.assertEqual([(c.value, c.data_type, c.number_format) for c in rows[0][1:5]],
                         [(34079, "n", "#,##0"), (97.5, "n", "#,##0.0"), (11.0, "n", "#,##0.0"),
                          (-1.25, "n", "+#,##0.0;-#,##0.0;0.0")])  # fmt: skip
        for name in wb.sheetnames[3:]:
            self.assertTable(wb[name], wb[name]["A3"].value, demo=True)

    def test_without_demonstration_data_no_label(self):
        wb = book(render_xlsx(self.spec()))
        for ws in wb.worksheets:
            self.assertSheetLabel(ws, demo=False)
        ws = wb["Tình hình thực hiện"]
        self.assertEqual((ws["A1"].value, ws.freeze_panes), ("Tình hình thực hiện các nhiệm vụ", "A3"))
        self.assertEqual(wb["Thông tin"]["B3"].value, "Số: 12/BC-STTTT")


class SheetTitleTestCase(SimpleTestCase):
    def test_it_cuts_between_words_where_a_phrase_ends(self):
        for title, name in (
            ("Tình hình thực hiện các nhiệm vụ", "Tình hình thực hiện"),  # not "…các nhiệ", nor "…các nhiệm"
            ("Bảng 3. Cơ quan chủ trì, phối hợp cải thiện từng chỉ số", "Bảng 3. Cơ quan chủ trì"),
            ("Bảng 1. Kết quả của tỉnh Hà Nam qua các năm", "Bảng 1. Kết quả của tỉnh Hà Nam"),
            ("Bảng 2. Quý 4/2017 so với quý 3/2017", "Bảng 2. Quý 4-2017"),
            ("Chỉ tiêu (KPI)", "Chỉ tiêu (KPI)"),
            ("Bảng 4. Dịch vụ công trực tuyến theo cơ quan, địa phương", "Bảng 4. Dịch vụ công trực tuyến"),
            ("Tổng hợp: [a]*?", "Tổng hợp a"),
            ("", "Trang"),
        ):
            self.assertEqual(sheet_title(title), name)
            self.assertLessEqual(len(name), 31)

    def test_every_name_is_whole_short_and_unique(self):
        used: list[str] = []
        titles = ["Kết quả thực hiện nhiệm vụ chuyển đổi số của các sở, ban, ngành năm 2024"] * 3 + [
            "Tỷ lệ hồ sơ được giải quyết đúng hạn theo từng cơ quan", "Danh sách đơn vị không xếp hạng và lý do",
            "x" * 40]  # fmt: skip
        for title in titles:
            name = sheet_title(title, used)
            self.assertLessEqual(len(name), 31, name)
            self.assertTrue(reads_whole(name, title) or name == "x" * 31, name)
            self.assertNotIn(name.casefold(), [u.casefold() for u in used])
            used.append(name)
        self.assertEqual(used[:3], ["Kết quả thực hiện nhiệm vụ CĐS", "Kết quả thực hiện nhiệm vụ (2)",
                                    "Kết quả thực hiện nhiệm vụ (3)"])  # fmt: skip
