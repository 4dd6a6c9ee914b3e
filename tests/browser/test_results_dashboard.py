"""The results dashboard in a real browser: charts drawn offline, demonstration data labelled."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from .conftest import wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "chiso-demo-2017"


@pytest.fixture
def base(live_server):
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)
    return live_server.url


def test_it_shows_the_dashboard_with_charts(page, base, shot):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "ubndtinh.lanhdao")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/ket-qua/?bo=vn-dti-2022-province")
    assert "DỮ LIỆU MINH HỌA" in page.inner_text("main")
    assert page.inner_text("#kpi-rank").startswith("34/63")
    # chart.js drew on the canvases (a blank canvas has no painted pixels)
    wait_for_js(page, "() => !!(window.Chart && Chart.getChart('chart-radar') && Chart.getChart('chart-bars'))")
    assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]
    shot(page, "dashboard")
    page.click("#main-indices tbody tr:first-child td:first-child a")
    page.wait_for_url("**/lan-tinh/**")
    assert "Từ điểm tổng xuống số liệu" in page.inner_text("main")
    shot(page, "results-explain")
    page.goto(f"{base}/ket-qua/?bo=vn-ict-index-2016-province")
    assert "Ước tính" in page.inner_text("main")
    shot(page, "dashboard-projection")
