"""Real worker processes (issue 10, item 2): gunicorn with 3 workers on a SQLite file, the site's
default cache; after sign-out, the old session cookie works in no worker.

The probe that found the defect saw 8 of 15 requests with the old cookie still served: each worker
kept its own cached copy of the session.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

PASSWORD = "password-for-workers-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"CHISO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chiso.site.settings", "LOG_LEVEL": "ERROR",
                "DJANGO_SUPERUSER_PASSWORD": PASSWORD})
    manage = [sys.executable, "-m", "chiso.manage"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "createsuperuser", "--noinput", "--username", "chanh", "--email", "c@example.org"],
                   env=env, check=True, capture_output=True)
    port = _free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "-w", "3", "-b", f"127.0.0.1:{port}", "--log-level", "error",
                             "chiso.site.wsgi:application"], env=env)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def _fresh_get(url: str, cookies: dict) -> requests.Response:
    # A new connection each time, so the requests spread over the workers.
    with requests.Session() as s:
        return s.get(url, cookies=cookies, allow_redirects=False, headers={"Connection": "close"}, timeout=20)


def test_sign_out_ends_the_session_in_every_worker(site):
    s = requests.Session()
    page = s.get(f"{site}/dang-nhap/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(f"{site}/dang-nhap/", data={"username": "chanh", "password": PASSWORD, "csrfmiddlewaretoken": token},
               headers={"Referer": f"{site}/dang-nhap/"}, allow_redirects=False, timeout=20)
    assert r.status_code == 302, r.text[:500]
    old = {"sessionid": s.cookies["sessionid"]}
    before = [_fresh_get(f"{site}/thong-bao/", old).status_code for _ in range(15)]
    assert before == [200] * 15

    home = s.get(f"{site}/thong-bao/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    r = s.post(f"{site}/dang-xuat/", data={"csrfmiddlewaretoken": token}, headers={"Referer": f"{site}/"},
               allow_redirects=False, timeout=20)
    assert r.status_code == 302

    after = [_fresh_get(f"{site}/thong-bao/", old) for _ in range(15)]
    assert [a.status_code for a in after] == [302] * 15
    assert all(a.headers["Location"].startswith("/dang-nhap/") for a in after)
