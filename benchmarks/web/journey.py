"""The department's journey, in a real browser, counted and timed (issue 13, printed — not asserted).

From the ministry's table to a plan the director signs, with no shell: sign in as the department,
import a 34-province table as published, see the gap, set the target rank, get the least-cost plan,
create the assignments (draft tasks, then issue them), request the annual analysis report and
download its PDF.  Prints every user action, their number and the server time: the sum of the
``Server-Timing`` the server sends with each response (pages, htmx calls, downloads) plus the report
worker's time on the report.  Targets: at most 25 actions, at most 30 s of server time.

    .venv/bin/python benchmarks/web/journey.py                       # SQLite, a scratch database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/web/journey.py

It sets up the demonstration province exactly as ``make run`` does (``setup_province "Ninh Bình"
--demo`` and the demonstration program), starts ``runserver`` and the report worker on a free port,
and drives Debian's chromium (``CHROMIUM``, default /usr/bin/chromium) with Playwright.
``tests/browser/test_journey.py`` runs the same :func:`journey` against the test server.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "examples" / "dti-2024-34-tinh-minh-hoa.csv"
FRAMEWORK = "vn-dti-2024-province"
USER = "ninhbinh.quantri"
PASSWORD = "chiso-demo-2017"
TIMING = re.compile(r"app;dur=([\d.]+)")


@dataclass
class Steps:
    """Counts what the user does (each click, typing into a field, file chosen, address typed) and
    sums the server's time from the ``Server-Timing`` of every response the page receives."""

    page: object
    actions: list[str] = field(default_factory=list)
    server_ms: float = 0.0
    requests: int = 0

    def __post_init__(self):
        self.page.on("response", self._response)

    def _response(self, response) -> None:
        m = TIMING.search(response.headers.get("server-timing", ""))
        if m:
            self.server_ms += float(m.group(1))
            self.requests += 1

    def act(self, what: str) -> None:
        self.actions.append(what)

    def goto(self, url: str, what: str):
        self.act(what)
        return self.page.goto(url)

    def click(self, selector: str, what: str) -> None:
        self.act(what)
        self.page.click(selector)

    def fill(self, selector: str, value: str, what: str) -> None:
        self.act(what)
        self.page.fill(selector, value)

    def select(self, selector: str, value: str, what: str) -> None:
        self.act(what)
        self.page.select_option(selector, value)

    def upload(self, selector: str, path: Path, what: str) -> None:
        self.act(what)
        self.page.set_input_files(selector, str(path))


def journey(page, base: str, *, run_worker, table: Path = TABLE, rank: int = 5, user: str = USER,
            password: str = PASSWORD, year: int = 2024, published_on: str = "15/07/2025", shot=None) -> dict:
    """Drive the journey on ``base``; ``run_worker()`` makes the report worker take the queued job
    (a no-op where a worker process runs); ``shot(page, name)``, when given, takes the screenshots of
    the pages on the way.  Returns the counts and what the pages said."""
    s = Steps(page)
    shot = shot or (lambda _page, _name: None)
    s.goto(f"{base}/dang-nhap/", "mở trang đăng nhập")
    s.fill("#id_username", user, "gõ tên đăng nhập")
    s.fill("#id_password", password, "gõ mật khẩu")
    s.click("button[type=submit]", "đăng nhập")
    page.wait_for_url(f"{base}/")
    # 1. the ministry's table, as published
    s.goto(f"{base}/ket-qua/nhap/", "mở trang nhập bảng công bố")
    s.select("#id_framework_id", FRAMEWORK, "chọn bộ chỉ số")
    s.fill("#id_year", str(year), "gõ năm đánh giá")
    s.fill("#id_published_on", published_on, "gõ ngày công bố")
    s.fill("#id_title", f"DTI {year} cấp tỉnh (34 tỉnh, minh họa)", "gõ tên bảng")
    s.fill("#id_source", "Bảng minh họa theo mẫu Bộ công bố", "gõ nguồn")
    s.upload("#id_file", table, "chọn tệp")
    s.click("form.card button[type=submit]", "kiểm tra (chạy thử)")
    page.wait_for_selector("#import-preview")
    s.click("#import-preview form button[type=submit]", "xác nhận nhập: chỉ số được tính ngay")
    page.wait_for_url("**/ket-qua/lan-tinh/**")
    run_text = page.inner_text("main")
    shot(page, "import-computed")
    # 2. the gap: the dashboard of the framework
    s.goto(f"{base}/ket-qua/?bo={FRAMEWORK}", "xem khoảng cách trên bảng điều khiển")
    gap_text = page.inner_text("main")
    s.act("quay lại lần tính")
    page.go_back()
    # 3. the plan to rank k
    s.click("#run-actions a[href*='ke-hoach']", "lập kế hoạch đạt hạng mục tiêu")
    s.fill("#target_rank", str(rank), "gõ thứ hạng mục tiêu")
    s.click("#plan-compute", "tính kế hoạch")
    page.wait_for_selector("#plan-table")
    plan_text = page.inner_text("main")
    shot(page, "plan")
    # 4. the assignments: draft tasks, reviewed and issued
    s.click("#plan-assign", "tạo nhiệm vụ dự thảo")
    page.wait_for_selector("#draft-tasks")
    shot(page, "plan-drafts")
    s.click("#issue-drafts", "ban hành các nhiệm vụ")
    page.wait_for_selector("#write-tasks")
    # 5. the annual analysis report, as PDF
    s.goto(f"{base}/bao-cao/", "mở trang báo cáo")
    s.select("#id_kind", "annual", "chọn báo cáo phân tích hằng năm")
    s.click("#report-form button[type=submit]", "tạo báo cáo")
    page.wait_for_url("**/bao-cao/*/")
    worker_s = run_worker()
    page.wait_for_selector("#job-status[data-status=done]", timeout=180_000)
    with page.expect_download() as dl:
        s.click("#downloads a:has-text('PDF')", "tải báo cáo PDF")
    pdf = Path(dl.value.path()).read_bytes()
    return {"actions": s.actions, "server_ms": s.server_ms, "requests": s.requests, "worker_s": worker_s,
            "pdf": pdf, "run_text": run_text, "gap_text": gap_text, "plan_text": plan_text}


# --- the benchmark: a scratch database, the server and the worker as processes ------------------------


def _free_port() -> int:
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "chiso.manage", *args], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def _report_seconds(env: dict) -> float:
    """The worker's time on the latest report job (its row's start and end)."""
    out = subprocess.run([sys.executable, "-m", "chiso.manage", "shell", "-c",
                          "from chiso.reports.models import ReportJob as J; j = J.objects.order_by('-id').first(); "
                          "print((j.finished - j.started).total_seconds() if j and j.finished and j.started else 0)"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return float((out.stdout.strip().splitlines() or ["0"])[-1])


def main() -> int:
    from playwright.sync_api import sync_playwright

    var = Path(tempfile.mkdtemp(prefix="chiso-journey-"))
    env = {**os.environ, "CHISO_VAR_DIR": str(var), "DEBUG": "False", "LOG_LEVEL": "ERROR",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECRET_KEY": os.environ.get("SECRET_KEY", "journey-" + "x" * 50)}
    env.setdefault("DATABASE_URL", f"sqlite:///{var / 'journey.sqlite3'}")
    if env["DATABASE_URL"].startswith("postgres"):
        _manage(env, "flush", "--noinput")
    t0 = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "setup_province", "Ninh Bình", "--as-of", dt.date.today().isoformat(), "--demo")
    _manage(env, "import_program", "src/chiso/cases/demo_dti_2026/program.yaml", "--demo", "--keep-existing")
    setup_s = time.perf_counter() - t0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "chiso.manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "chiso.manage", "run_report_jobs", "--loop"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                        args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
            page = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
            page.set_default_timeout(60_000)
            t1 = time.perf_counter()
            out = journey(page, base, run_worker=lambda: None)
            wall = time.perf_counter() - t1
            browser.close()
        worker_s = _report_seconds(env)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(10)
        worker.wait(10)
    cpu = platform.processor() or "?"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"chiso journey — {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{env['DATABASE_URL'].split(':', 1)[0]}")
    print(f"setup (migrate, setup_province --demo, demo program): {setup_s:.1f} s (not part of the journey)")
    for i, a in enumerate(out["actions"], 1):
        print(f"  {i:2d}. {a}")
    print(f"user actions: {len(out['actions'])} (target ≤ 25); shell commands: 0")
    print(f"server time: {out['server_ms'] / 1000:.2f} s over {out['requests']} responses + report worker "
          f"{worker_s:.2f} s = {out['server_ms'] / 1000 + worker_s:.2f} s (target ≤ 30 s)")
    print(f"wall time in the browser: {wall:.1f} s; PDF: {len(out['pdf'])} bytes, starts {out['pdf'][:5]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
