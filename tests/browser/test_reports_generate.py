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


def test_the_department_rewords_a_report_previews_it_and_puts_it_in_use(page, base, shot):
    """Mẫu văn bản: an officer edits the quarterly report's wording, a mistake is pointed at its line,
    the preview is written on real data; the administrator puts it in use from the preview's page."""
    from chiso.reports.models import DocumentTemplate

    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}/bao-cao/")
    page.select_option("#id_kind", "quarterly")
    page.fill("#id_year", "2017")
    page.select_option("#id_quarter", "4")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/bao-cao/*/")
    call_command("run_report_jobs", "--no-pdf", verbosity=0)
    page.wait_for_selector("#job-status[data-status=done]", timeout=90_000)

    page.goto(f"{base}/bao-cao/")
    page.click("text=Mẫu văn bản (lời văn của từng loại văn bản)")
    page.click("#wording-kinds tr:has-text('Báo cáo quý') a")
    assert "[[ho_so]]" in page.input_value("#id_text")
    assert page.locator("#wording-passages code:text-is('[[ho_so]]')").count() == 1
    # a variable that does not exist: refused, its line named, nothing saved
    text = page.input_value("#id_text")
    page.fill("#id_text", text + "Kỳ báo cáo: {{ ky_bao_cao_sai }}.\n")
    page.click("#wording-form button[type=submit]")
    assert "ky_bao_cao_sai" in page.inner_text("#wording-error")
    assert page.get_attribute("#id_text", "aria-invalid") == "true"
    assert DocumentTemplate.objects.count() == 0
    page.fill("#id_text", text + "Sở đề nghị các cơ quan cập nhật số liệu trước ngày 05 của quý sau.\n")
    page.fill("#id_note", "Thêm lời đề nghị cập nhật số liệu")
    shot(page, "wording-edit")
    page.click("#wording-form button[type=submit]")
    page.wait_for_url("**/bao-cao/*/")
    assert "Bản xem trước của mẫu văn bản." in page.inner_text("#wording-preview")
    call_command("run_report_jobs", "--no-pdf", verbosity=0)
    page.wait_for_selector("#job-status[data-status=done]", timeout=90_000)
    # an officer drafts; only the administrator puts a template in use
    page.reload()
    assert page.locator("#wording-preview button").count() == 0
    preview_url = page.url
    with page.expect_download() as dl:
        page.click("#downloads a:has-text('DOCX')")
    doc = Document(io.BytesIO(open(dl.value.path(), "rb").read()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Sở đề nghị các cơ quan cập nhật số liệu trước ngày 05 của quý sau." in body
    assert "BẢN XEM TRƯỚC MẪU VĂN BẢN" in body

    page.context.clear_cookies()
    login(page, base, "sotttt.quantri")
    page.goto(preview_url)
    shot(page, "wording-preview")
    page.click("#wording-preview button:has-text('Dùng mẫu này')")
    page.wait_for_url("**/bao-cao/mau/quarterly/")
    assert "Đang dùng mẫu của cơ quan" in page.inner_text("main")
    assert DocumentTemplate.objects.get().status == DocumentTemplate.Status.ACTIVE
