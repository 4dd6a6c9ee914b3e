"""Today's province in chromium (issue 11): after `setup_province "Ninh Bình"` on top of Hà Nam's
2017 history, the Ninh Bình department signs in and sees the province today — Ninh Bình, formed from
Hà Nam, Nam Định and the former Ninh Bình, its 129 communes, its Sở KH&CN — and the DTI figures
across the merger, each with its basis."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from .test_workflow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_department_sees_today_s_position(page, live_server, shot):
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)
    call_command("setup_province", "Ninh Bình", "--as-of", timezone.localdate().isoformat(), "--demo", verbosity=0)
    login(page, live_server.url, "ninhbinh.quantri")
    card = page.locator("#position-today")
    text = card.inner_text()
    assert "Tỉnh Ninh Bình hôm nay" in text
    assert "hình thành từ Tỉnh Hà Nam, Tỉnh Nam Định, Tỉnh Ninh Bình" in text
    assert "129 xã, phường trực thuộc" in text
    assert "Sở Khoa học và Công nghệ tỉnh Ninh Bình" in text
    rows = card.locator("#position-points tr").all_inner_texts()
    assert any("34 tỉnh" in r and "DỮ LIỆU MINH HỌA" in r for r in rows), rows  # derived, labelled
    assert any(r.startswith("2022\tHà Nam\t63 tỉnh") and "34/63" in r for r in rows), rows  # published
    shot(page, "home-province-today")
