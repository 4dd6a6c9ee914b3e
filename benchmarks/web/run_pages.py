"""Web benchmark: a realistic database served by gunicorn under 20 concurrent clients.

Builds 1 province, 30 agencies, 6 years × 4 quarters of rounds, 100 indicators, and the complete
audit history (every value written three times, every form submitted and approved); then serves
it with gunicorn and measures the results dashboard and an agency's form page with 20 client
threads (http.client, keep-alive), then the form page right after each save of one of its values
(one client; the page's cached body is stale then, so it is rendered afresh). Finally times an Excel upload of 10 000 values through the
import views (preview, then confirm: all or nothing). Prints its figures; asserts nothing.

Server: gunicorn with --workers sync workers (default 2 × CPU + 1) and persistent database
connections (DB_CONN_MAX_AGE=60 unless set), as a deployment runs. With 20 closed-loop clients
on few cores a request mostly waits for the others: latency ≈ clients × CPU per request ÷ cores,
and more workers or threads cannot shorten it once the cores are busy. So beside the latencies
the benchmark prints the CPU per request (gunicorn's processes from /proc, plus the client
threads; on PostgreSQL the database server's own CPU is not counted), the latency that CPU
implies on idle cores, and the load average at the start: other work on the machine inflates
the latencies, not the CPU figure.

    .venv/bin/python benchmarks/web/run_pages.py [--requests 400] [--workers 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/web/run_pages.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))


def setup_env() -> Path:
    var = Path(tempfile.mkdtemp(prefix="chiso-bench-"))
    os.environ.setdefault("CHISO_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.site.settings"
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["IMPORT_MAX_BYTES"] = str(50 * 1024 * 1024)
    return var


def build() -> dict:
    import django

    django.setup()
    import bench_fw
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from chiso.collection.models import Round, Submission, Value
    from chiso.orgs.models import Agency, AuditEntry, Membership, Responsibility, Unit

    bench_fw.register()
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    t0 = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        province = Unit.objects.create(ref_id="P35", code="35", name="Tỉnh Hà Nam", kind="province")
        agencies = [Agency.objects.create(code=f"BENCH{i:02d}", name=f"Cơ quan benchmark {i + 1}",
                                          kind="department", unit=province, is_standing_body=(i == 0))
                    for i in range(30)]
        admin = User.objects.create_user("bench.admin", password="bench-password-1")
        Membership.objects.create(user=admin, agency=agencies[0], role="dept_admin")
        officer = User.objects.create_user("bench.officer", password="bench-password-1")
        Membership.objects.create(user=officer, agency=agencies[1], role="agency_officer")
        Membership.objects.create(user=officer, agency=agencies[1], role="agency_head")
        fw = __import__("chiso.lib.frameworks", fromlist=["x"]).get_framework(bench_fw.FW_ID)
        codes = [n.code for n in fw.indicators]
        owner = {}
        for k, code in enumerate(codes):
            a = agencies[k % 30]
            owner[code] = a
            Responsibility.objects.create(framework_id=fw.id, code=code, agency=a, role="lead")
        audits, values = [], []
        n_rounds = 0
        for year in range(2019, 2025):
            for q in range(1, 5):
                rnd = Round.objects.create(framework_id=fw.id, year=year, quarter=q, title=f"Quý {q}/{year}",
                                           opens_on=dt.date(year, q * 3 - 2, 1), due_on=dt.date(year, q * 3, 15),
                                           locks_on=dt.date(year, q * 3, 28))
                n_rounds += 1
                subs = {a.pk: Submission.objects.create(round=rnd, agency=a, status="approved", version=3,
                                                        submitted_at=now, decided_at=now) for a in agencies}
                for k, code in enumerate(codes):
                    sub = subs[owner[code].pk]
                    values.append(Value(submission=sub, code=code, number=float(40 + (k * 7 + year + q) % 60),
                                        version=3, updated_at=now))
                    for v in range(3):  # complete history: three edits per value
                        audits.append(AuditEntry(time=now, user_name="bench", action="value.change",
                                                 target_type="collection.value", target_id=f"{rnd.pk}-{code}",
                                                 parent_type="collection.submission", parent_id=str(sub.pk),
                                                 before={"number": v}, after={"number": v + 1}))
                for sub in subs.values():
                    for action in ("submission.submit", "submission.approve"):
                        audits.append(AuditEntry(time=now, user_name="bench", action=action,
                                                 target_type="collection.submission", target_id=str(sub.pk)))
        # The open round (today) holds the form page that is measured.
        today = timezone.localdate()
        rnd = Round.objects.create(framework_id=fw.id, year=2025, quarter=None, title="Năm 2025",
                                   opens_on=today - dt.timedelta(days=5), due_on=today + dt.timedelta(days=5),
                                   locks_on=today + dt.timedelta(days=10))
        form = Submission.objects.create(round=rnd, agency=agencies[1])
        Value.objects.bulk_create(values, batch_size=1000)
        AuditEntry.objects.bulk_create(audits, batch_size=2000)
    call_command("load_demo_results", verbosity=0)
    built = time.perf_counter() - t0
    # The 10 000-value form: one agency leads the whole big framework.
    big = Agency.objects.create(code="BIG", name="Cơ quan 10 000 chỉ tiêu", kind="department", unit=province)
    Membership.objects.create(user=officer, agency=big, role="agency_officer")
    Responsibility.objects.create(framework_id=bench_fw.BIG_ID, code="total", agency=big, role="lead")
    big_round = Round.objects.create(framework_id=bench_fw.BIG_ID, year=2025, title="10 000",
                                     opens_on=today - dt.timedelta(days=5), due_on=today + dt.timedelta(days=5),
                                     locks_on=today + dt.timedelta(days=10))
    big_sub = Submission.objects.create(round=big_round, agency=big)
    return {"form": form.pk, "form_code": codes[1], "big": big_sub.pk, "rounds": n_rounds, "values": Value.objects.count(),
            "audit": AuditEntry.objects.count(), "seconds": built, "officer": officer, "admin": admin}


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]  # a session names the backend that signed in
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return f"sessionid={s.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(port: int, path: str, cookie: str, n: int, clients: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    per = n // clients

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per):
            t = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "vi"})
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t)
            if r.status != 200:
                raise SystemExit(f"{path}: HTTP {r.status}")
        conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def measure_after_save(port: int, form: int, code: str, cookie: str, n: int) -> list[float]:
    """The form page right after one of its values was saved, as an officer who saves and reloads
    sees it: its cached body is stale then (the save gave "collection" a new generation, chiso.lib.cache),
    so every load renders it afresh.
    One client: n × (save a value through the page's htmx endpoint, then time the page)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/bieu-mau/{form}/"
    conn.request("GET", path, headers={"Cookie": cookie})
    r = conn.getresponse()
    r.read()
    m = re.search(r"csrftoken=([^;]+)", r.getheader("Set-Cookie") or "")
    if m is None:
        raise SystemExit("no CSRF cookie on the form page")
    cookies = f"{cookie}; csrftoken={m.group(1)}"
    times = []
    for i in range(n):
        body = f"value={i % 100}".encode()
        conn.request("POST", f"{path}chi-so/{code}/", body=body, headers={
            "Cookie": cookies, "X-CSRFToken": m.group(1), "HX-Request": "true", "Referer": f"http://127.0.0.1:{port}/",
            "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        if r.status != 200 or r.getheader("X-Chiso-Status") != "200":
            raise SystemExit(f"save: HTTP {r.status} {r.getheader('X-Chiso-Status')}")
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookies, "Accept-Language": "vi"})
        r = conn.getresponse()
        r.read()
        times.append(time.perf_counter() - t)
        if r.status != 200:
            raise SystemExit(f"{path}: HTTP {r.status}")
    conn.close()
    return times


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a process and its children still running (gunicorn's
    master and workers), from /proc; None where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except OSError:
        return None
    return total


def measure_cpu(server_pid: int, *args) -> tuple[list[float], float | None, float]:
    """``measure(*args)`` plus the CPU seconds per request spent by the server and by the clients.

    On a machine shared with other work the latencies grow with the load; the CPU per request
    does not, and bounds what 20 closed-loop clients can see on idle cores: each request waits
    for the others' service, clients × CPU per request ÷ cores."""
    s0, c0 = cpu_seconds(server_pid), time.process_time()
    times = measure(*args)
    s1, c1 = cpu_seconds(server_pid), time.process_time()
    n = len(times)
    return times, (s1 - s0) / n if s0 is not None and s1 is not None else None, (c1 - c0) / n


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print(f"  {name:<28} n={len(ms):>4}  median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   "
          f"max {ms[-1]:7.1f} ms")


def start_gunicorn(workers: int) -> tuple[subprocess.Popen, int, dict]:
    """Serve the benchmark's WSGI application (bench_wsgi) with gunicorn sync workers on a free port;
    returns the process, the port and its environment once it accepts connections."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    # Persistent database connections, as a deployment runs (settings read DB_CONN_MAX_AGE): without
    # them every request opens a connection — about 2 ms of CPU on SQLite, a backend fork on PostgreSQL.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             "bench_wsgi:application"], env=env, cwd=str(HERE))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port, env


def stop_gunicorn(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)


def measure_pages(proc: subprocess.Popen, port: int, pages: list[tuple[str, str, str]], *, clients: int,
                  requests: int, single: int = 100) -> None:
    """For each (name, path, cookie): warm every worker up, then print the latencies and the CPU per
    request with one client and with ``clients`` concurrent clients."""
    for name, path, cookie in pages:
        measure(port, path, cookie, clients * 2, clients)  # warm-up
        times, server_cpu, client_cpu = measure_cpu(proc.pid, port, path, cookie, single, 1)
        report(name + " (1 client)", times)
        if server_cpu is not None:
            print(f"  {'':<28} CPU per request, 1 client: server {server_cpu * 1000:.1f} ms + client "
                  f"{client_cpu * 1000:.1f} ms (the figure least moved by other work on the machine)")
        times, server_cpu, client_cpu = measure_cpu(proc.pid, port, path, cookie, requests, clients)
        report(name, times)
        if server_cpu is not None:
            cpu = server_cpu + client_cpu
            print(f"  {'':<28} CPU per request: server {server_cpu * 1000:.1f} ms + clients "
                  f"{client_cpu * 1000:.1f} ms; on {os.cpu_count()} idle cores {clients} clients wait "
                  f"about {clients * cpu / (os.cpu_count() or 1) * 1000:.0f} ms")


def upload_10000(big_pk: int, officer) -> None:
    from django.test import Client
    from openpyxl import load_workbook

    from chiso.collection import excel
    from chiso.collection.models import Submission, Value

    sub = Submission.objects.get(pk=big_pk)
    wb = load_workbook(io.BytesIO(excel.template_bytes(sub)))
    ws = wb.worksheets[0]
    for i, row in enumerate(ws.iter_rows(min_row=2), start=0):
        row[5].value = float(i % 100)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    c = Client()
    c.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    t0 = time.perf_counter()
    r = c.post(f"/bieu-mau/{big_pk}/nhap-excel/", {"file": SimpleUploadedFile("b.xlsx", data)})
    t1 = time.perf_counter()

    m = re.search(rb'name="token" value="([^"]+)"', r.content)
    if m is None:
        print("  Excel upload: no preview token (errors in the file?)")
        return
    r2 = c.post(f"/bieu-mau/{big_pk}/nhap-excel/xac-nhan/", {"token": m.group(1).decode()})
    t2 = time.perf_counter()
    n = Value.objects.filter(submission_id=big_pk).count()
    print(f"  Excel upload, 10 000 values   preview {t1 - t0:6.2f} s   confirm {t2 - t1:6.2f} s   "
          f"total {t2 - t0:6.2f} s   ({len(data) // 1024} KiB; HTTP {r.status_code}/{r2.status_code}; "
          f"{n} values written)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    args = ap.parse_args()
    var = setup_env()
    print(f"chiso web benchmark — {os.cpu_count()} CPU, database {os.environ.get('DATABASE_URL', 'SQLite')}, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    info = build()
    print(f"  built in {info['seconds']:.1f} s: 30 agencies, {info['rounds']} quarterly rounds, 100 indicators, "
          f"{info['values']} values, {info['audit']} audit rows")
    proc, port, env = start_gunicorn(args.workers)
    try:
        cookie_admin = session_cookie(info["admin"])
        cookie_officer = session_cookie(info["officer"])
        print(f"  gunicorn: {args.workers} sync workers, DB_CONN_MAX_AGE={env['DB_CONN_MAX_AGE']}; "
              f"{args.clients} concurrent clients; {args.requests} requests per page")
        measure_pages(proc, port, [("dashboard /ket-qua/", "/ket-qua/", cookie_admin),
                                   (f"form /bieu-mau/{info['form']}/", f"/bieu-mau/{info['form']}/", cookie_officer)],
                      clients=args.clients, requests=args.requests)
        report("form after a save (1 client)",
               measure_after_save(port, info["form"], info["form_code"], cookie_officer, 50))
    finally:
        stop_gunicorn(proc)
    upload_10000(info["big"], info["officer"])
    shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
