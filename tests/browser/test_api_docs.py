"""The API's documentation page in chromium: Swagger UI served by the site itself lists the
operations, under the Content-Security-Policy, with no request leaving the machine (the page
fixture fails on either)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_api_docs_offline(page, live_server):
    response = page.goto(f"{live_server.url}/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("/api/forms/{form_id}/values").first.wait_for()
    assert page.locator(".opblock").count() >= 13

