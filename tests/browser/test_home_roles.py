"""Each role's home page in chromium (issue 17, item 1), on what ``make run`` loads: the waiting work
comes first, most urgent first, each item with what to do, what it is about and its deadline in
words; a role with nothing waiting is told so. Screenshots: docs/screenshots/home-<role>.png."""

from __future__ import annotations

import pytest

from chiso.orgs import provinces
from chiso.orgs import reference_case as rc
from web.test_home_waiting import load_demo_as_make_run

from .test_workflow import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CURRENT = rc.DEMO_ROUNDS["current"]

# role -> (demo user, what the first item says (None: nothing waiting), how many items)
ROLES = {
    "dept_admin": ("ninhbinh.quantri", "1 biểu mẫu chờ phê duyệt", 5),
    "dept_officer": ("sotttt.thamdinh", "1 biểu mẫu chờ phê duyệt", 5),
    "agency_officer": ("sogddt.nhaplieu", "Sửa biểu mẫu bị trả lại — ", 1),
    "agency_head": ("sotttt.lanhdao", "Hoàn thành và ký gửi biểu mẫu — ", 1),
    "leadership": ("ninhbinh.ubndtinh.lanhdao", "Phê duyệt kết quả xếp hạng", 1),
    "council_chair": ("ninhbinh.hoidong.chutich", "Quyết định điểm cuối cùng", 1),
    "council_member": ("hoidong.thanhvien", None, 0),
}


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    load_demo_as_make_run()
    return live_server.url


def test_each_role_sees_its_waiting_work_first(page, demo, shot):
    assert CURRENT["states"]["A35.SGDDT"] == "returned" and CURRENT["states"]["A35.STTTT"] == "partial"
    assert provinces.DEMO_STATES["SNV"] == "submitted"
    for role, (username, first, n) in ROLES.items():
        login(page, demo, username)
        # the waiting list is the first thing under the greeting
        assert page.locator("main h2").first.inner_text() == "Việc đang chờ bạn", role
        items = page.locator("#waiting ol.waiting > li")
        assert items.count() == n, (role, items.all_inner_texts())
        if first is None:
            assert page.locator("#nothing-waiting").inner_text() == "Không có việc nào đang chờ bạn.", role
        else:
            text = items.first.inner_text()
            assert text.startswith(first), (role, text)
            assert "(minh họa)" in text, (role, text)
            # a deadline in words, or none (the council's and the leadership's steps have none)
            assert ("Hạn " in text and "còn " in text) or "Không có hạn" in text, (role, text)
            items.first.locator("a").click()  # the link leads to the work
            assert page.locator("main").count() == 1 and "/dang-nhap/" not in page.url
            page.go_back()
        shot(page, f"home-{role.replace('_', '-')}")
        logout(page)
        page.wait_for_url(f"{demo}/**")
