"""A department officer requests the annual report, watches its progress and downloads it; the
leadership downloads it too."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "chiso-demo-2017"


@pytest.fixture
def base(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)
    call_command("load_quarterly_demo", "--demo", verbosity=0)
    return live_server.url


def login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_it_generates_and_downloads_a_report(page, base, shot):
    login(page, base, "sotttt.thamdinh")
    page.click("#reports-link")
    page.select_option("#id_kind", "annual")
    page.fill("#id_sign_name", "Nguyễn Văn A")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/bao-cao/*/")
    # the web process only queued it; the report worker runs it. The test's database lives in this
    # process's memory, so the worker's command runs here rather than as a separate process.
    assert page.get_attribute("#job-status", "data-status") == "queued"
    call_command("run_report_jobs", verbosity=0)
    # htmx polls the status until the job is done
    page.wait_for_selector("#job-status[data-status=done]", timeout=90_000)
    assert "DỮ LIỆU MINH HỌA" in page.inner_text("main")
    shot(page, "reports-job")
    with page.expect_download() as dl:
        page.click("#downloads a:has-text('DOCX')")
    data = open(dl.value.path(), "rb").read()
    doc = Document(io.BytesIO(data))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc.tables[0].cell(0, 1).text
    assert any("Nguyễn Văn A" in c.text for c in doc.tables[-1].row_cells(0))
    with page.expect_download() as dl:
        page.click("#downloads a:has-text('PDF')")
    assert open(dl.value.path(), "rb").read(5) == b"%PDF-"
    page.goto(f"{base}/bao-cao/")
    shot(page, "reports-list")
    # the leadership reads and downloads, without the request form
    page.context.clear_cookies()
    login(page, base, "ubndtinh.lanhdao")
    page.goto(f"{base}/bao-cao/")
    assert page.locator("#report-form").count() == 0
    with page.expect_download() as dl:
        page.click("#report-jobs a:has-text('XLSX')")
    assert open(dl.value.path(), "rb").read(2) == b"PK"
    # an agency does not see reports
    page.context.clear_cookies()
    login(page, base, "sonoivu.nhaplieu")
    assert page.locator("#reports-link").count() == 0
    assert page.goto(f"{base}/bao-cao/").status == 403
