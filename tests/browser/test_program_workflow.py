"""The action program in a real browser: quarterly progress with evidence approved by the
department; a recommendation answered and seen by its sender; the public page, anonymously."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from chiso.program.models import Program, ProgressEvidence, ProgressReport, Recommendation

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
def case(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_program_936", "--demo", verbosity=0)
    return live_server.url, Program.objects.get()


def test_it_reports_progress_with_evidence_and_the_department_approves(page, case, shot, tmp_path):
    base, program = case
    login(page, base, "sogddt.nhaplieu")
    page.goto(f"{base}/chuong-trinh/{program.pk}/tien-do/?quy=2017-4")
    page.click("button.open-report[data-task='12']")
    page.wait_for_url(f"{base}/tien-do/*/")
    page.select_option("#id_task_status", "on_track")
    page.fill("#id_percent", "75")
    page.fill("#id_narrative", "125/141 trường tiểu học đã dạy tin học; 16 trường chờ phòng máy.")
    page.click("#save-btn")
    evidence = tmp_path / "bao-cao-quy-4.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% chiso test\n")
    page.set_input_files("#evidence-file", str(evidence))
    page.click("#upload-btn")
    assert "bao-cao-quy-4.pdf" in page.locator("#evidence").inner_text()
    shot(page, "program-progress-agency")
    report = ProgressReport.objects.get(task__number=12, year=2017, quarter=4)
    logout(page)

    login(page, base, "sogddt.lanhdao")
    page.goto(f"{base}/tien-do/{report.pk}/")
    page.click("#submit-btn")
    assert "Đã gửi" in page.locator("#status").inner_text()
    logout(page)

    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}/tien-do/{report.pk}/")
    assert "125/141" in page.locator("#narrative").inner_text()
    page.click("#approve-btn")
    assert "Đã phê duyệt" in page.locator("#status").inner_text()
    page.goto(f"{base}/chuong-trinh/{program.pk}/?ngay=15/01/2018")
    assert "Quý 4/2017" in page.locator("#task-12").inner_text()
    shot(page, "program-board")
    page.goto(f"{base}/chuong-trinh/{program.pk}/qua-han/?ngay=15/01/2018")
    shot(page, "program-overdue")
    report.refresh_from_db()
    assert (report.status, report.percent) == ("approved", 75)
    assert ProgressEvidence.objects.get(report=report).original_name == "bao-cao-quy-4.pdf"


def test_it_sends_a_recommendation_answered_and_seen_by_the_sender(page, case, shot):
    base, program = case
    login(page, base, "sonoivu.nhaplieu")
    page.goto(f"{base}/kien-nghi/moi/")
    page.select_option("#id_kind", "proposal")
    page.fill("#id_title", "Biên chế cán bộ chuyên trách ATTT")
    page.fill("#id_body", "Đề nghị bổ sung 01 biên chế chuyên trách an toàn thông tin cho mỗi sở.")
    page.select_option("#id_task", "11")
    page.click("#send-rec")
    page.wait_for_url(f"{base}/kien-nghi/*/")
    rec = Recommendation.objects.get(title="Biên chế cán bộ chuyên trách ATTT")
    logout(page)

    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}/kien-nghi/{rec.pk}/")
    page.select_option("#id_action", "answer")
    page.fill("#id_text", "Sở TT&TT tổng hợp, trình UBND tỉnh trong báo cáo quý 4/2017.")
    page.click("#act-btn")
    assert "Đã trả lời" in page.locator("#rec-status").inner_text()
    shot(page, "program-recommendation-department")
    logout(page)

    login(page, base, "sonoivu.nhaplieu")
    page.goto(f"{base}/thong-bao/")
    assert "Biên chế cán bộ chuyên trách ATTT" in page.content()
    page.goto(f"{base}/kien-nghi/{rec.pk}/")
    assert "trình UBND tỉnh trong báo cáo quý 4/2017" in page.locator("#rec-answer").inner_text()
    assert page.locator("#steps li").count() == 2
    shot(page, "program-recommendation-agency")


def test_the_public_page_as_an_anonymous_visitor(page, case, shot):
    base, program = case
    page.goto(f"{base}/cong-khai/")
    assert "DỮ LIỆU MINH HỌA" in page.content()
    assert program.title in page.content()
    assert "Thiếu đường truyền cho 5 xã" in page.locator("#public-recommendations").inner_text()
    assert "Kinh phí phòng máy" not in page.content()  # escalated, not answered: never public
    assert "Biên bản" not in page.content()  # evidence names never appear
    assert page.locator("a[href*='dang-xuat']").count() == 0
    shot(page, "program-public")
