"""The department manages its organisation in chromium (under the site's CSP): renames an agency,
ends another with a new successor, is refused a weak password for a new user; screenshots."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from chiso.orgs.models import Agency, Membership, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-cua-quan-tri-2026"


@pytest.fixture
def base(live_server):
    province = Unit.objects.create(ref_id="P37", code="37", name="Ninh Bình", kind="province")
    dept = Agency.objects.create(code="SOKHCN", name="Sở Khoa học và Công nghệ", kind="department",
                                 unit=province, is_standing_body=True)
    Agency.objects.create(code="SONV", name="Sở Nội vụ", kind="department", unit=province)
    Agency.objects.create(code="SOLDTBXH", name="Sở Lao động - Thương binh và Xã hội", kind="department",
                          unit=province)
    admin = User.objects.create_user("sokhcn.quantri", password=PASSWORD, first_name="Quản trị Sở KH&CN")
    Membership.objects.create(user=admin, agency=dept, role="dept_admin")
    return live_server.url


def test_it_manages_agencies_and_users(page, base, shot):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "sokhcn.quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.click("#org-link")
    page.wait_for_url("**/to-chuc/co-quan/")
    page.click("text=Sở Nội vụ")
    page.fill("#rename-form #id_name", "Sở Nội vụ tỉnh Ninh Bình")
    page.click("#rename-form button[type=submit]")
    assert "Đã lưu tên cơ quan." in page.inner_text("main")
    assert "Sở Nội vụ tỉnh Ninh Bình" in page.inner_text("h1")

    page.goto(f"{base}/to-chuc/co-quan/")
    page.click("text=Sở Lao động - Thương binh và Xã hội")
    page.fill("#end-form #id_ends_on", "01/03/2025")
    page.fill("#end-form #id_new_successor_name", "Sở Nội vụ (sau hợp nhất)")
    page.fill("#end-form #id_reason", "Hợp nhất theo Nghị quyết của HĐND tỉnh")
    page.click("#end-form button[type=submit]")
    main = page.inner_text("main")
    assert "Đã ghi ngày cơ quan hết hiệu lực." in main
    assert "Sở Nội vụ (sau hợp nhất)" in main
    shot(page, "org-agency")
    page.goto(f"{base}/to-chuc/co-quan/")
    shot(page, "org-agencies")

    page.goto(f"{base}/to-chuc/nguoi-dung/moi/")
    page.fill("#id_username", "sonv.nhaplieu")
    page.fill("#id_full_name", "Trần Thị B")
    page.fill("#id_password", "12345")
    page.click("main button[type=submit]")
    assert "Mật khẩu quá ngắn" in page.inner_text("main")
    page.fill("#id_password", "mot-mat-khau-du-dai-2026")
    page.select_option("#id_agency", label="Sở Nội vụ tỉnh Ninh Bình")
    page.select_option("#id_role", value="agency_officer")
    page.click("main button[type=submit]")
    assert "Đã tạo người dùng." in page.inner_text("main")
    shot(page, "org-user")
