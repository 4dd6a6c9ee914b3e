"""A person's path through the reference case, in a real browser."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chiso.collection.models import Round, Submission, Value
from chiso.lib.vn_format import format_number
from chiso.results.models import IndexRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "chiso-demo-2017"


def login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def logout(page):
    page.click("header form[action$='/dang-xuat/'] button")


@pytest.fixture
def case(live_server):
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)  # goalposts and peers for the projection
    sub = Round.objects.get(year=2017).submissions.get(agency__code="A35.STTTT")
    return live_server.url, sub


def dashboard_score(page, base, framework_id):
    page.goto(f"{base}/ket-qua/?bo={framework_id}")
    return page.inner_text("#kpi-score")


def test_it_fills_submits_returns_corrects_and_approves(page, case, shot):
    base, sub = case
    fw_id = sub.round.framework_id
    login(page, base, "sotttt.thamdinh")
    before = dashboard_score(page, base, fw_id)
    logout(page)

    login(page, base, "sotttt.nhaplieu")
    shot(page, "home-agency")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    empty = page.locator(".field-row input[name=value]")
    codes = []
    for i in range(empty.count()):
        box = empty.nth(i)
        if box.input_value() == "":
            codes.append(box.get_attribute("id")[2:])
    assert codes, "the demo leaves part of the form empty"
    for code in codes:
        page.fill(f"#v-{code}", "55,5")
        page.locator(f"#v-{code}").dispatch_event("change")
        page.locator(f"#row-{code} .ok").wait_for()
    shot(page, "form-agency")
    assert Value.objects.get(submission=sub, code=codes[0]).number == 55.5

    # a value out of range is refused at the field, in Vietnamese
    page.fill(f"#v-{codes[0]}", "150")
    page.locator(f"#v-{codes[0]}").dispatch_event("change")
    page.locator(f"#row-{codes[0]} .err").wait_for()
    assert "ngoài khoảng" in page.locator(f"#row-{codes[0]} .err").inner_text()
    assert Value.objects.get(submission=sub, code=codes[0]).number == 55.5
    logout(page)

    login(page, base, "sotttt.lanhdao")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    page.click("#submit-btn")
    assert "Đã gửi" in page.locator("#status").inner_text()
    logout(page)

    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    page.click("#return-link")
    page.fill("#id_reason", "Số liệu máy tính chưa khớp báo cáo")
    page.fill(f"#note_{codes[0]}", "Kiểm tra lại")
    page.click("button.danger")
    assert "Bị trả lại" in page.locator("#status").inner_text()
    logout(page)

    login(page, base, "sotttt.nhaplieu")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    assert "Số liệu máy tính chưa khớp báo cáo" in page.locator("#return-reason").inner_text()
    assert "Kiểm tra lại" in page.locator(f"#row-{codes[0]}").inner_text()
    page.fill(f"#v-{codes[0]}", "60")
    page.locator(f"#v-{codes[0]}").dispatch_event("change")
    page.locator(f"#row-{codes[0]} .ok").wait_for()
    shot(page, "form-returned")
    logout(page)

    login(page, base, "sotttt.lanhdao")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    page.click("#submit-btn")
    logout(page)

    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}/bieu-mau/{sub.pk}/")
    page.click("#approve-btn")
    assert "Đã phê duyệt" in page.locator("#status").inner_text()
    page.goto(f"{base}/dot/{sub.round_id}/")
    assert "DỮ LIỆU MINH HỌA" in page.content()
    shot(page, "completeness-board")
    sub.refresh_from_db()
    assert sub.status == Submission.Status.APPROVED
    assert Value.objects.get(submission=sub, code=codes[0]).number == 60.0

    # the department computes the index from the approved values; the dashboard shows the new result
    page.goto(f"{base}/dot/{sub.round_id}/")
    page.click("#compute-btn")
    page.wait_for_url(f"{base}/ket-qua/lan-tinh/*/")
    run = IndexRun.objects.filter(framework_id=fw_id).latest("created")
    assert "Số liệu ICT Index năm 2017" in run.title
    inputs = run.inputs  # the corrected, approved value went in
    assert inputs["values"][inputs["units"].index(run.unit_name)][inputs["codes"].index(codes[0])] == 60.0
    after = dashboard_score(page, base, fw_id)
    assert after == format_number(run.score, 4)
    assert after != before
    shot(page, "dashboard-after-approval")


def test_it_imports_excel(page, case, shot, tmp_path):
    base, sub = case
    login(page, base, "sotttt.nhaplieu")
    with page.expect_download() as dl:
        page.goto(f"{base}/bieu-mau/{sub.pk}/")
        page.click("text=Tải mẫu Excel")
    path = tmp_path / "bm.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r[0].row for r in ws.iter_rows() if r[0].value == "Mã chỉ số")  # below the demo label
    for row in ws.iter_rows(min_row=header + 1):
        row[5].value = 42
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    page.goto(f"{base}/bieu-mau/{sub.pk}/nhap-excel/")
    page.set_input_files("#id_file", str(path))
    page.click("button[type=submit] >> text=Kiểm tra")
    page.locator("#import-preview").wait_for()
    shot(page, "excel-preview")
    page.click("#import-confirm")
    page.wait_for_url(f"{base}/bieu-mau/{sub.pk}/")
    assert set(Value.objects.filter(submission=sub).values_list("number", flat=True)) == {42.0}


def test_it_switches_language(page, case):
    base, _sub = case
    page.goto(f"{base}/dang-nhap/")
    assert "Đăng nhập" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.locator("html").get_attribute("lang") == "en"
