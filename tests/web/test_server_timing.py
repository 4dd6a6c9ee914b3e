"""Every response says how long the server spent on it (``Server-Timing``), pages, files and errors."""

from __future__ import annotations

import re

from django.test import TestCase

TIMING = re.compile(r"^app;dur=\d+\.\d$")


class ServerTimingTestCase(TestCase):
    def test_pages_errors_and_api_carry_the_server_time(self):
        for url in ("/dang-nhap/", "/khong-co-trang-nay/", "/api/openapi.json"):
            r = self.client.get(url)
            self.assertRegex(r["Server-Timing"], TIMING, url)
