"""What-if in chromium (issue 13, item 2): from the run's page, type a value and see the new score and
rank without a reload (htmx), a bad value said next to its field, nothing written."""

from __future__ import annotations

import os
import re

import pytest

from chiso.results.models import IndexRun

from .conftest import wait_for_js
from .test_results_dashboard import base  # noqa: F401 (the fixture: reference case and demonstration results)
from .test_workflow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DTI = "vn-dti-2022-province"


def field_for(page, name: str) -> str:
    """The form field of a value, found by its printed name (the page shows no code)."""
    return "#" + page.get_attribute(f"label:text-is('{name}')", "for")


def test_typing_a_value_changes_the_rank_without_a_reload(page, base):  # noqa: F811
    run = IndexRun.objects.filter(framework_id=DTI, is_demo=True).latest("created")
    runs = IndexRun.objects.count()
    login(page, base, "ubndtinh.lanhdao")
    page.goto(f"{base}/ket-qua/lan-tinh/{run.pk}/")
    page.click("text=Nếu… thì: thử thay đổi số liệu")
    page.wait_for_url(f"**/lan-tinh/{run.pk}/neu-thi/")
    assert "DỮ LIỆU MINH HỌA" in page.inner_text("main")
    rank_now = int(page.inner_text("#run-rank").split("/")[0])
    assert rank_now > 1
    page.evaluate("() => { window.chisoNoReload = true; }")  # gone if the page were loaded again

    # Hoạt động chính quyền số (200 of 1000 points) to 1, then Hoạt động kinh tế số (150) to 1: rank rises
    page.fill(field_for(page, "Hoạt động chính quyền số"), "1")
    page.fill(field_for(page, "Hoạt động kinh tế số"), "1")
    page.wait_for_selector("#whatif-rank")
    wait_for_js(page, "() => /lên/.test((document.querySelector('#whatif-rank-move') || {}).textContent || '')")
    rank_new, n = map(int, page.inner_text("#whatif-rank").split("/"))
    assert n == 63 and rank_new < rank_now
    assert page.evaluate("() => window.chisoNoReload === true")
    assert re.fullmatch(r"\d,\d{4}", page.inner_text("#whatif-score"))  # Vietnamese decimal comma
    passed = rank_now - rank_new  # every province between the new rank and the old one (no ties here)
    overtaken = page.inner_text("#whatif-overtakes")
    assert overtaken.startswith("Vượt lên trên:")
    assert overtaken.count("(hạng ") == min(passed, 8)
    if passed > 8:
        assert f"và {passed - 8} tỉnh khác" in overtaken
    if os.environ.get("WHATIF_SHOT"):
        page.screenshot(path=os.environ["WHATIF_SHOT"], full_page=True)

    # a value out of its range: said next to its field, the result not recomputed
    f = field_for(page, "Nhận thức số")
    page.fill(f, "1,5")
    err = f.replace("#id_v", "#err-")
    wait_for_js(page, f"() => /Ngoài khoảng cho phép/.test(document.querySelector('{err}').textContent)")
    assert page.is_visible("#whatif-errors")
    page.fill(f, "abc")
    wait_for_js(page, f"() => /không phải là một số/.test(document.querySelector('{err}').textContent)")
    page.fill(f, "0,5")
    wait_for_js(page, f"() => document.querySelector('{err}').textContent === ''")
    wait_for_js(page, "() => !!document.querySelector('#whatif-rank')")
    assert page.evaluate("() => window.chisoNoReload === true")
    assert IndexRun.objects.count() == runs
