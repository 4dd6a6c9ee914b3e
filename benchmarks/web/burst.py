"""Burst of concurrent saves: gunicorn (3 sync workers) on a fresh database with `make run`'s demo
data, 10–20 clients saving one form with versions while the department returns and approves it.

Each client reads the form's values (API ``GET /api/forms/N/values``) and saves its indicator with
the version it read — half of the clients through the API (``PUT /api/forms/N/values``), half
through the form page's autosave (``POST /bieu-mau/N/chi-so/CODE/``, htmx) — for a bounded number
of writes. Meanwhile one client, as the agency head and the department, submits the form and
returns it, over and over, and finally approves it. Prints the writes and their outcomes (saved,
409 newer version, 403 form sent or approved meanwhile, 503 busy, other 5xx), the racer's steps,
whether any saved write was lost (each saved write must be one version and one audit row), and
the machine. Asserts nothing (issue 10: target 0 5xx).

Runs on SQLite (a file database in a temporary folder, the settings of `make run`: WAL, BEGIN
IMMEDIATE, busy timeout) and then on PostgreSQL in a database of its own (``chiso_burst`` on the
server of --postgres, created and dropped here):

    .venv/bin/python benchmarks/web/burst.py [--writes 2000] [--clients 20] [--workers 3]
    .venv/bin/python benchmarks/web/burst.py --postgres ''            # SQLite only
"""

from __future__ import annotations

import argparse
import http.client
import importlib.machinery
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_pages import session_cookie, setup_env, start_gunicorn, stop_gunicorn  # noqa: E402

FORM_AGENCY = "A35.SGDDT"  # the demo form that is complete (returned): it can be submitted
OFFICER, HEAD, DEPARTMENT = "sogddt.nhaplieu", "sogddt.lanhdao", "sotttt.thamdinh"
CODES = 5  # indicators of the form the clients save (client k saves the (k mod 5)-th)
BENCH_DB = "chiso_burst"


def cpu_model() -> str:
    loader = importlib.machinery.SourceFileLoader("bench_run", str(HERE.parent / "run"))
    return loader.load_module().cpu_model()


# --- the database --------------------------------------------------------------------------------------------


def build() -> dict:
    """Migrate and load `make run`'s demo data; return the form, its codes and the actors' credentials."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from chiso.api.models import Token
    from chiso.collection import services
    from chiso.collection.models import Submission
    from chiso.lib import frameworks
    from chiso.orgs.models import AuditEntry

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_reference_case", "--demo", verbosity=0, stdout=io.StringIO())
    User = get_user_model()
    sub = Submission.objects.select_related("round").get(agency__code=FORM_AGENCY, round__year=2017)
    fw = frameworks.get_framework(sub.round.framework_id)
    values = {v.code: v for v in sub.values.all()}
    codes = [c for c in services.indicator_codes(fw, sub.agency_id) if c in values and values[c].number is not None]
    _t, token = Token.issue(User.objects.get(username=OFFICER), "burst")
    start = {}
    for c in codes[:CODES]:
        v, hi = values[c], fw.node(c).value_range[1]
        rows = AuditEntry.objects.filter(action="value.change", target_id=str(v.pk)).count()
        # the clients' values move away from the demo value by steps of 1e-6, downwards near a maximum
        sign = -1 if hi is not None and v.number + 0.01 > hi else 1
        start[c] = {"number": v.number, "sign": sign, "version": v.version, "audit": rows}
    return {
        "form": sub.pk,
        "codes": codes[:CODES],
        "start": start,
        "token": token,
        "officer": session_cookie(User.objects.get(username=OFFICER)),
        "head": session_cookie(User.objects.get(username=HEAD)),
        "department": session_cookie(User.objects.get(username=DEPARTMENT)),
        "seconds": time.perf_counter() - t0,
    }


def lost_writes(form: int, codes: list[str], start: dict, saved: Counter) -> dict[str, int]:
    """Per code: saved writes that left no version or no audit row (0 everywhere: nothing lost)."""
    from chiso.collection.models import Value
    from chiso.orgs.models import AuditEntry

    out = {}
    for code in codes:
        v = Value.objects.get(submission_id=form, code=code)
        rows = AuditEntry.objects.filter(action="value.change", target_id=str(v.pk)).count()
        out[code] = max(saved[code] - (v.version - start[code]["version"]), saved[code] - (rows - start[code]["audit"]))
    return out


# --- the clients ----------------------------------------------------------------------------------------------


class Conn:
    """One keep-alive HTTP connection with a session cookie and its CSRF token."""

    def __init__(self, port: int, cookie: str, form: int):
        self.port, self.cookie = port, cookie
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        r = self.request("GET", f"/bieu-mau/{form}/")
        m = re.search(r"csrftoken=([^;]+)", r.getheader("Set-Cookie") or "")
        self.csrf = m.group(1) if m else ""
        self.cookie = f"{cookie}; csrftoken={self.csrf}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        h = {"Cookie": self.cookie, "Accept-Language": "vi", **(headers or {})}
        try:
            self.http.request(method, path, body=body, headers=h)
            r = self.http.getresponse()
        except (ConnectionError, http.client.HTTPException):  # a worker restarted: reconnect once
            self.http.close()
            self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.http.request(method, path, body=body, headers=h)
            r = self.http.getresponse()
        r.body = r.read()
        return r

    def post_form(self, path: str, fields: dict, **headers):
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "X-CSRFToken": self.csrf, "Referer": f"http://127.0.0.1:{self.port}/",
                                                  **headers})


def burst(port: int, info: dict, *, writes: int, clients: int) -> dict:
    form, codes, token = info["form"], info["codes"], info["token"]
    outcomes: Counter = Counter()
    saved: Counter = Counter()
    racer: Counter = Counter()
    lock = threading.Lock()
    done = threading.Event()
    per = writes // clients
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(k: int):
        code = codes[k % len(codes)]
        base, sign = info["start"][code]["number"], info["start"][code]["sign"]
        conn = Conn(port, info["officer"], form)
        for i in range(per):
            r = conn.request("GET", f"/api/forms/{form}/values", headers=api)
            version = {v["code"]: v["version"] for v in json.loads(r.body)}[code] if r.status == 200 else 0
            number = round(base + sign * (k * per + i + 1) * 1e-6, 6)  # unique, close to the demo value
            if k % 2 == 0:
                body = json.dumps({"values": [{"code": code, "value": number, "version": version}]}).encode()
                r = conn.request("PUT", f"/api/forms/{form}/values", body, api)
                status = r.status
            else:
                r = conn.post_form(f"/bieu-mau/{form}/chi-so/{code}/", {"value": str(number).replace(".", ","),
                                                                          "version": version}, **{"HX-Request": "true"})
                status = int(r.getheader("X-Chiso-Status") or r.status) if r.status == 200 else r.status
            with lock:
                outcomes[status] += 1
                if status == 200:
                    saved[code] += 1

    def race():
        head, dept = Conn(port, info["head"], form), Conn(port, info["department"], form)
        step = 0
        while not done.is_set():
            for conn, path, fields in ((head, "gui/", {}), (dept, "tra-lai/", {"reason": f"Kiểm tra lại {step}"})):
                r = conn.post_form(f"/bieu-mau/{form}/{path}", fields)
                with lock:
                    racer[r.status] += 1
            step += 1
            time.sleep(0.05)
        for conn, path in ((head, "gui/"), (dept, "phe-duyet/")):
            r = conn.post_form(f"/bieu-mau/{form}/{path}", {})
            racer[r.status] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    rt = threading.Thread(target=race)
    t0 = time.perf_counter()
    rt.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    rt.join()
    return {"outcomes": outcomes, "saved": saved, "racer": racer, "seconds": time.perf_counter() - t0,
            "writes": per * clients}


def report(db: str, info: dict, res: dict) -> None:
    from chiso.collection.models import Submission
    from chiso.orgs.models import AuditEntry

    o = res["outcomes"]
    five = sum(n for s, n in o.items() if s >= 500)
    other = {s: n for s, n in o.items() if s not in (200, 403, 409) and s < 500}
    print(f"  {db}: {res['writes']} writes in {res['seconds']:.1f} s ({res['writes'] / res['seconds']:.0f}/s) "
          f"to {len(info['codes'])} indicators of form {info['form']}, each with the version just read")
    print(f"    saved {o[200]}, 409 newer version {o[409]}, 403 form sent/approved meanwhile {o[403]}, "
          f"5xx {five} (503 busy {o[503]}, 500 {o[500]})" + (f", other {other}" if other else ""))
    status = Submission.objects.get(pk=info["form"]).status
    returns = AuditEntry.objects.filter(action="submission.return", target_id=str(info["form"])).count()
    print(f"    racer: {sum(res['racer'].values())} steps, HTTP {dict(sorted(res['racer'].items()))}; "
          f"{returns} returns went through; the form ends {status}")
    lost = lost_writes(info["form"], info["codes"], info["start"], res["saved"])
    print(f"    saved writes lost: {sum(lost.values())} (each saved write is one version and one audit row)")


# --- one database per process -------------------------------------------------------------------------------


def run_one(args) -> int:
    var = setup_env()
    info = build()
    proc, port, env = start_gunicorn(args.workers)
    try:
        res = burst(port, info, writes=args.writes, clients=args.clients)
    finally:
        stop_gunicorn(proc)
    db = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite (file, WAL)"
    print(f"  built in {info['seconds']:.1f} s; gunicorn {args.workers} sync workers, "
          f"DB_CONN_MAX_AGE={env['DB_CONN_MAX_AGE']}, {args.clients} clients")
    report(db, info, res)
    shutil.rmtree(var, ignore_errors=True)
    return 0


def postgres_database(url: str, create: bool) -> str:
    """Create (or drop) the benchmark's own database on the server of ``url``; return its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writes", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test",
                    help=f"server to run on after SQLite (database {BENCH_DB} is created and dropped); '' to skip")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        return run_one(args)
    print(f"chiso burst benchmark — CPU: {cpu_model()} ({os.cpu_count()} logical CPUs), load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    child = [sys.executable, __file__, "--one", "--writes", str(args.writes), "--clients", str(args.clients),
             "--workers", str(args.workers)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHISO_VAR_DIR")}
    rc = subprocess.call(child, env=env)
    if args.postgres:
        url = postgres_database(args.postgres, create=True)
        try:
            rc |= subprocess.call(child, env=dict(env, DATABASE_URL=url))
        finally:
            postgres_database(args.postgres, create=False)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
