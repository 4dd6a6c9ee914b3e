"""A program written in the app, in chromium (issue 12 item 4): the department admin writes a short DTI
plan — its basis and period, an objective, a task assigned to Sở Nội vụ with a deadline, a KPI on a DTI
indicator —; Sở Nội vụ's officer opens the task and reports progress, its head sends the report, and the
department approves it and sees it on the board."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from chiso.orgs.models import Agency, Membership, Unit
from chiso.program.models import Program, ProgressReport

from .test_workflow import PASSWORD, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DTI = "vn-dti-2024-province"


@pytest.fixture
def cast(live_server):
    province = Unit.objects.create(ref_id="P99", code="99", name="Tỉnh Thử", kind="province")
    skhcn = Agency.objects.create(
        code="SKHCN", name="Sở Khoa học và Công nghệ", kind="department", unit=province, is_standing_body=True
    )
    snv = Agency.objects.create(code="SNV", name="Sở Nội vụ", kind="department", unit=province)
    # merged away before the plan's period: never offered
    Agency.objects.create(
        code="STTTT",
        name="Sở Thông tin và Truyền thông",
        kind="department",
        unit=province,
        valid_to="2025-03-01",
    )
    for username, agency, role in [
        ("skhcn.quantri", skhcn, "dept_admin"),
        ("snv.nhaplieu", snv, "agency_officer"),
        ("snv.lanhdao", snv, "agency_head"),
    ]:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
        Membership.objects.create(user=user, agency=agency, role=role)
    return live_server.url, snv


def test_the_department_writes_a_program_and_an_agency_reports_progress(page, cast, shot):
    base, snv = cast
    login(page, base, "skhcn.quantri")
    page.goto(f"{base}/chuong-trinh/")
    page.click("#new-program")
    page.fill("#id_title", "Kế hoạch nâng cao Chỉ số DTI tỉnh Thử giai đoạn 2026–2030")
    page.fill("#id_decision_number", "35/KH-UBND")
    page.fill("#id_decision_date", "20/01/2026")
    page.fill("#id_issuer", "Ủy ban nhân dân tỉnh Thử")
    page.fill("#id_starts_on", "01/01/2026")
    page.fill("#id_ends_on", "31/12/2030")
    page.select_option("#id_framework_id", DTI)
    page.select_option("#id_standing_body", label="Sở Khoa học và Công nghệ")
    page.click("#save-write")
    program = Program.objects.get(decision_number="35/KH-UBND")
    page.wait_for_url(f"{base}/chuong-trinh/{program.pk}/soan/")

    page.click("#add-objective")
    page.select_option("#id_kind", "specific")
    page.fill("#id_text", "Đến năm 2030, Chỉ số DTI của tỉnh thuộc nhóm 10 tỉnh dẫn đầu")
    page.fill("#id_target_rank", "10")
    page.fill("#id_target_year", "2030")
    page.click("#save-write")
    assert "thứ hạng ≤ 10 năm 2030" in page.locator("#write-objectives").inner_text()

    page.click("#add-task")
    lead_options = page.locator("#id_lead_agency option").all_inner_texts()
    assert "Sở Nội vụ" in lead_options and "Sở Thông tin và Truyền thông" not in lead_options
    page.fill("#id_title", "Số hóa hồ sơ cán bộ, công chức")
    page.fill("#id_text", "Hoàn thành số hóa hồ sơ cán bộ, công chức của tỉnh.")
    page.select_option("#id_lead_agency", label="Sở Nội vụ")
    page.fill("#id_deadline", "30/06/2027")
    page.click("#save-write")
    assert "Sở Nội vụ" in page.locator("#write-task-1").inner_text()

    page.click("#write-task-1 a.add-kpi")
    # the form's script (deferred) must have run before the choice is made: wait for the page's load
    page.wait_for_load_state("load")
    page.fill("#id_name", "Điểm chỉ số thành phần")
    page.select_option("#id_source", "reported")  # reported by the agencies: no indicator to choose
    expect(page.locator("#row-indicator_code")).to_be_hidden()
    page.select_option("#id_source", "indicator")
    expect(page.locator("#row-indicator_code")).to_be_visible()
    page.select_option("#id_indicator_code", index=1)
    page.fill("#id_target", "0,8")
    page.fill("#id_due_on", "31/12/2027")
    page.click("#save-write")
    assert "0,8" in page.locator("#write-task-1").inner_text()
    shot(page, "program-write")
    task = program.tasks.get()
    assert (task.lead_agency, str(task.deadline)) == (snv, "2027-06-30")
    assert task.kpis.get().framework_id == DTI
    logout(page)

    login(page, base, "snv.nhaplieu")
    page.goto(f"{base}/chuong-trinh/{program.pk}/nhiem-vu/1/")
    assert "Sở Nội vụ" in page.locator("main").inner_text()
    page.click("#report-progress")
    page.goto(f"{base}/chuong-trinh/{program.pk}/tien-do/?quy=2026-3")
    page.click("button.open-report[data-task='1']")
    page.wait_for_url(f"{base}/tien-do/*/")
    page.select_option("#id_task_status", "on_track")
    page.fill("#id_percent", "40")
    page.fill("#id_narrative", "Đã số hóa 4.120/10.300 hồ sơ cán bộ, công chức.")
    page.click("#save-btn")
    report = ProgressReport.objects.get(task=task, year=2026, quarter=3)
    logout(page)

    login(page, base, "snv.lanhdao")
    page.goto(f"{base}/tien-do/{report.pk}/")
    page.click("#submit-btn")
    assert "Đã gửi" in page.locator("#status").inner_text()
    logout(page)

    login(page, base, "skhcn.quantri")
    page.goto(f"{base}/tien-do/{report.pk}/")
    assert "4.120/10.300" in page.locator("#narrative").inner_text()
    page.click("#approve-btn")
    assert "Đã phê duyệt" in page.locator("#status").inner_text()
    page.goto(f"{base}/chuong-trinh/{program.pk}/")
    row = page.locator("#task-1").inner_text()
    assert "Quý 3/2026" in row and "40%" in row and "Sở Nội vụ" in row
    report.refresh_from_db()
    assert (report.status, report.percent, report.agency) == ("approved", 40, snv)
