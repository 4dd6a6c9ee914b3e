"""The internal ranking in a real browser, on the Hà Nam reference case: the department opens the
2023 round of the districts; Phủ Lý self-assesses (a value and a document as evidence) and its head
submits; the department appraises with a changed score and a reason and sends the appraisal; Phủ Lý
answers; the department sets the final score; the leadership approves; the decision is drafted and
published; the public page shows the table. Screenshots: docs/screenshots/assessment-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from chiso.assessment import services
from chiso.assessment.models import Entry, Participant, Round
from chiso.orgs import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "chiso-demo-2017"
P = "/xep-hang-noi-bo"
PHU_LY = "A347.UBND_HUYEN"


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
    call_command("load_internal_demo", "--demo", verbosity=0)
    return live_server.url


def _fill_others(rnd: Round, skip: str):
    """Every unit but ``skip`` answers the framework's median value and submits (not the UI under test)."""
    pfw = services.round_pfw(rnd)
    for p in rnd.participants.select_related("agency").exclude(agency__code=skip):
        answers = {}
        for ind in pfw.indicators(rnd.tier, p.tag_set):
            k = ind.value_kind
            answers[ind.code] = (
                {"a": "3", "b": "4"}
                if k == "ratio"
                else "1"
                if k in ("yes_no", "level")
                else "70"
                if k == "percent"
                else "3",
                "",
            )
            if ind.evidence_required:
                e = Entry.objects.get(participant=p, code=ind.code)
                services.add_document(
                    e.pk, audit.Actor(), number="1/BC", date="05/01/2024", summary="Báo cáo"
                )
        services.save_self(p.pk, answers, audit.Actor())
        services.submit(p.pk, audit.Actor())


def test_self_assessment_appraisal_answer_final_decision_public(page, case, shot):
    base = case
    today = timezone.localdate()
    # 1. the department opens the 2023 round of the districts
    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}{P}/dot/moi/")
    page.select_option(
        "#id_framework",
        label="Bộ chỉ số đánh giá chuyển đổi số các cơ quan, đơn vị tỉnh Hà Nam (mẫu) (năm áp dụng 2022)",
    )
    page.fill("#id_year", "2023")
    page.select_option("#id_tier", "huyen")
    page.fill("#id_title", "Đánh giá chuyển đổi số năm 2023 — UBND huyện, thị xã, thành phố (thử nghiệm)")
    # Opened while the districts existed (they ended on 01/07/2025): a round lists the units in force
    # on the day it opens (issue 11).
    page.fill("#id_opens_on", "02/06/2025")
    page.fill("#id_self_due_on", (today + dt.timedelta(days=5)).strftime("%d/%m/%Y"))
    page.fill("#id_appraisal_due_on", (today + dt.timedelta(days=20)).strftime("%d/%m/%Y"))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}{P}/dot/*/")
    rnd = Round.objects.get(year=2023, tier="huyen")
    assert "Đã mở đợt đánh giá với 6 đơn vị" in page.content()
    _fill_others(rnd, PHU_LY)
    pl = Participant.objects.get(round=rnd, agency__code=PHU_LY)
    # Phủ Lý's answers except the steering committee's meetings, which it types in the browser
    pfw = services.round_pfw(rnd)
    answers = {
        i.code: (
            {"a": "9", "b": "10"}
            if i.value_kind == "ratio"
            else "1"
            if i.value_kind in ("yes_no", "level")
            else "80"
            if i.value_kind == "percent"
            else "2",
            "",
        )
        for i in pfw.indicators("huyen")
        if i.code != "nts_hop_bcd"
    }
    services.save_self(pl.pk, answers, audit.Actor())
    logout(page)

    # 2. Phủ Lý self-assesses: 4 meetings, with the conclusion notice as evidence. Every answer is
    # saved as soon as it changes (autosave with the row's version); evidence is added in place.
    login(page, base, "phuly.nhaplieu")
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{base}{P}/phieu/{pl.pk}/")
    page.fill("input[name=v_nts_tuyen_truyen]", "12")
    page.fill("textarea[name=note_nts_tuyen_truyen]", "Theo báo cáo tuyên truyền năm 2023")
    page.locator("textarea[name=note_nts_tuyen_truyen]").dispatch_event("change")
    page.wait_for_selector("#save-nts_tuyen_truyen .ok")
    assert page.locator("#pts-nts_tuyen_truyen").inner_text() == "10,00"
    page.wait_for_load_state("networkidle")
    e = Entry.objects.get(participant=pl, code="nts_tuyen_truyen")
    # two saves: the value when the note got the focus, then the note
    assert (e.value, e.note, e.version) == (12.0, "Theo báo cáo tuyên truyền năm 2023", 2)
    # typed, then evidence added: the page is not reloaded and what was typed stays
    page.evaluate("window.chisoNotReloaded = true")
    page.fill("input[name=v_nts_hop_bcd]", "4")
    page.fill("textarea[name=note_nts_hop_bcd]", "Bốn cuộc họp trong năm")
    row = page.locator("#row-nts_hop_bcd")
    row.locator("details summary").click()
    page.fill("#doc-nts_hop_bcd input[name=number]", "215/TB-UBND")
    page.fill("#doc-nts_hop_bcd input[name=date]", "22/12/2023")
    page.fill("#doc-nts_hop_bcd input[name=summary]", "Thông báo kết luận cuộc họp Ban chỉ đạo quý IV")
    page.click("#doc-nts_hop_bcd button[type=submit]")
    expect(page.locator("#evidence-nts_hop_bcd")).to_contain_text("215/TB-UBND")
    page.wait_for_selector("#save-nts_hop_bcd .ok")
    assert page.evaluate("window.chisoNotReloaded") is True
    assert page.input_value("input[name=v_nts_hop_bcd]") == "4"
    assert page.input_value("textarea[name=note_nts_hop_bcd]") == "Bốn cuộc họp trong năm"
    expect(page.locator("#pts-nts_hop_bcd")).to_have_text("20,00")
    # another window saves a newer value: this one's next change is refused and says so
    # (the test's database is SQLite in memory, shared by table locks: let the autosaves finish first)
    page.wait_for_load_state("networkidle")
    head = get_user_model().objects.get(username="phuly.lanhdao")
    services.save_self(pl.pk, {"nts_tuyen_truyen": ("11", "")}, audit.Actor(user=head))
    page.fill("input[name=v_nts_tuyen_truyen]", "13")
    page.locator("input[name=v_nts_tuyen_truyen]").dispatch_event("change")
    page.wait_for_selector("#save-nts_tuyen_truyen .err")
    if "đang bận" in page.locator("#save-nts_tuyen_truyen").inner_text():
        # The live server's SQLite in memory shares table locks between threads and never waits: two of
        # the page's requests at once get the busy answer (503, nothing written). The page says "try
        # again", and the user does; a database on disk or PostgreSQL waits instead.
        page.wait_for_load_state("networkidle")
        page.locator("input[name=v_nts_tuyen_truyen]").dispatch_event("change")
        expect(page.locator("#save-nts_tuyen_truyen")).to_contain_text("đã lưu giá trị mới")
    assert "đã lưu giá trị mới" in page.locator("#save-nts_tuyen_truyen").inner_text()
    assert "(bạn nhập “13" in page.locator("#save-nts_tuyen_truyen").inner_text()
    page.wait_for_load_state("networkidle")
    assert Entry.objects.get(participant=pl, code="nts_tuyen_truyen").value == 11.0
    page.fill("input[name=v_nts_tuyen_truyen]", "12")  # back to the unit's figure, knowingly
    page.locator("input[name=v_nts_tuyen_truyen]").dispatch_event("change")
    page.wait_for_selector("#save-nts_tuyen_truyen .ok")
    page.click("#save-self")
    page.wait_for_url(f"{base}{P}/phieu/{pl.pk}/")
    assert "Đã lưu bản tự đánh giá" in page.content()
    assert page.locator("#row-nts_hop_bcd td.num").first.inner_text() == "20,00"
    assert "215/TB-UBND" in page.locator("#row-nts_hop_bcd").inner_text()
    assert page.input_value("textarea[name=note_nts_hop_bcd]") == "Bốn cuộc họp trong năm"
    assert blocked == []
    shot(page, "assessment-self")
    logout(page)
    login(page, base, "phuly.lanhdao")
    page.goto(f"{base}{P}/phieu/{pl.pk}/")
    page.click("#submit-self")
    assert "Đã gửi bản tự đánh giá" in page.content()
    logout(page)

    # 3. the department appraises: 20 → 15 with a reason, then sends the appraisal
    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}{P}/dot/{rnd.pk}/")
    page.click("form[action$='/buoc/close_self/'] button")
    assert "Thẩm định" in page.locator(".steps li.current").inner_text()
    page.goto(f"{base}{P}/phieu/{pl.pk}/")
    page.fill("input[name=ap_nts_hop_bcd]", "15")
    page.click("#save-appraisal")
    assert "phải nêu lý do" in page.content()  # a changed score needs a reason
    page.fill("input[name=ap_nts_hop_bcd]", "15")
    page.fill("textarea[name=ar_nts_hop_bcd]", "Chỉ 3/4 cuộc họp có thông báo kết luận kèm theo.")
    page.click("#save-appraisal")
    assert "Đã lưu điểm thẩm định" in page.content()
    shot(page, "assessment-appraisal")
    page.goto(f"{base}{P}/dot/{rnd.pk}/")
    page.click("form[action$='/buoc/send_appraisal/'] button")
    shot(page, "assessment-board")
    logout(page)

    # 4. Phủ Lý answers, once
    login(page, base, "phuly.lanhdao")
    page.goto(f"{base}{P}/phieu/{pl.pk}/")
    assert "Chỉ 3/4 cuộc họp" in page.locator("#row-nts_hop_bcd").inner_text()
    page.fill(
        "textarea[name=ans_nts_hop_bcd]",
        "Cuộc họp quý IV có Thông báo kết luận 215/TB-UBND; gửi kèm bản chụp.",
    )
    page.click("#send-answer")
    assert "Đã gửi giải trình" in page.content()
    assert page.locator("textarea[name=ans_nts_hop_bcd]").count() == 0
    shot(page, "assessment-answer")
    logout(page)

    # 5. the department closes the window and sets the final score; the leadership approves
    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}{P}/dot/{rnd.pk}/")
    page.click("form[action$='/buoc/close_answers/'] button")
    page.goto(f"{base}{P}/phieu/{pl.pk}/")
    page.fill("input[name=fp_nts_hop_bcd]", "20")
    page.fill("textarea[name=fr_nts_hop_bcd]", "Hội đồng chấp nhận giải trình của đơn vị.")
    page.click("#save-final")
    assert "Đã lưu điểm cuối cùng" in page.content()
    page.goto(f"{base}{P}/dot/{rnd.pk}/")
    page.click("form[action$='/buoc/to_approval/'] button")
    logout(page)
    login(page, base, "ubndtinh.lanhdao")
    page.goto(f"{base}{P}/dot/{rnd.pk}/")
    page.click("form[action$='/buoc/approve/'] button")
    assert "Dự thảo quyết định" in page.locator(".steps li.current").inner_text()
    logout(page)

    # 6. the decision: the draft downloads; number and date entered; published
    login(page, base, "sotttt.thamdinh")
    page.goto(f"{base}{P}/dot/{rnd.pk}/quyet-dinh/")
    page.click("#decision-docx")  # a job of the report worker; its page shows the progress, then the files
    page.wait_for_url("**/bao-cao/*/")
    call_command("run_report_jobs", "--no-pdf", verbosity=0)
    page.wait_for_selector("#job-status[data-status=done]", timeout=90_000)
    with page.expect_download() as dl:
        page.click("#downloads a:has-text('DOCX')")
    assert dl.value.suggested_filename.startswith("quyet-dinh-cong-bo-ket-qua-xep-hang-2023-cap-huyen-ngay-")
    page.goto(f"{base}{P}/dot/{rnd.pk}/quyet-dinh/")
    page.fill("#id_number", "99/QĐ-UBND")
    page.fill("#id_date", today.strftime("%d/%m/%Y"))
    page.fill("#id_signer_name", "Nguyễn Văn B")
    page.click("#save-decision")
    assert "Đã lưu thông tin quyết định" in page.content()
    page.click("#publish")
    assert "Đã công bố" in page.locator(".steps li.current").inner_text()
    page.goto(f"{base}{P}/dot/{rnd.pk}/ket-qua/")
    assert "Ủy ban nhân dân thành phố Phủ Lý" in page.locator("#league").inner_text()
    shot(page, "assessment-results")
    e = Entry.objects.get(participant=pl, code="nts_hop_bcd")
    assert (e.self_points, e.appraised_points, e.final_points) == (20.0, 15.0, 20.0)
    logout(page)

    # 7. the public page, anonymously
    page.goto(f"{base}/cong-khai/")
    section = page.locator("#public-internal-rankings")
    text = section.inner_text()
    assert "Đánh giá chuyển đổi số năm 2023" in text
    assert "99/QĐ-UBND" in text
    for year in (2021, 2022):  # the demo rounds are labelled, once (their titles say "(minh họa)")
        title = next(line for line in text.splitlines() if f"năm {year} —" in line)
        assert title.count("minh họa") + title.count("MINH HỌA") == 1, title
    section.scroll_into_view_if_needed()
    shot(page, "assessment-public")
