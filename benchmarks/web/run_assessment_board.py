"""Appraisal board benchmark: an internal-ranking round of 100 units served by gunicorn to 20 clients.

Loads the Hà Nam reference case and the shipped internal framework (hanam-cds-noibo-2022), creates
100 district-tier units, fills every unit's self-assessment (23 indicators each, scored by the
engine), closes the self-assessment and appraises a changed score for every fifth unit. Then serves
the app with gunicorn (benchmarks/web/bench_wsgi.py) and measures, as the department's officer:
the appraisal board (/xep-hang-noi-bo/dot/<pk>/), the league table (.../ket-qua/) and one unit's
sheet (.../phieu/<pk>/), with 1 and with 20 concurrent clients. Prints its figures; asserts nothing.
Target (issue 6): the board for 100 units ≤ 100 ms median under 20 concurrent clients.

    .venv/bin/python benchmarks/web/run_assessment_board.py [--requests 400] [--workers 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/web/run_assessment_board.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from run_pages import measure_pages, session_cookie, setup_env, start_gunicorn, stop_gunicorn  # noqa: E402

N_UNITS = 100


def build() -> dict:
    import django

    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from chiso.assessment import services
    from chiso.assessment.access import get_access
    from chiso.assessment.models import Entry, Participant
    from chiso.orgs import audit
    from chiso.orgs.models import Agency, Unit

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("load_reference_case", "--demo", verbosity=0)
    officer = get_user_model().objects.get(username="sotttt.thamdinh")
    actor = audit.Actor(user=officer)
    fw = services.import_shipped("hanam-cds-noibo-2022", actor)
    province = Unit.objects.get(ref_id="P35")
    agencies = [
        Agency(code=f"BENCH.{i:03d}", name=f"UBND huyện Benchmark {i:03d}", kind="district", unit=province)
        for i in range(N_UNITS)
    ]
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(code__startswith="BENCH.").order_by("code"))
    rnd = services.create_round(
        actor,
        framework=fw,
        year=2030,
        tier="huyen",
        title="Đợt benchmark 2030 (100 đơn vị)",
        opens_on=dt.date(2031, 1, 1),
        self_due_on=dt.date(2031, 1, 31),
        appraisal_due_on=dt.date(2031, 2, 28),
        agencies=agencies,
        is_demo=True,
    )
    pfw = services.round_pfw(rnd)
    inds = {i.code: i for i in pfw.indicators("huyen")}
    rng = np.random.default_rng(7)
    with transaction.atomic():
        entries = list(Entry.objects.filter(participant__round=rnd))
        for e in entries:
            ind = inds[e.code]
            k = ind.value_kind
            if k == "ratio":
                b = int(rng.integers(5, 40))
                e.raw, e.value = {"a": float(int(b * rng.uniform(0.4, 1))), "b": float(b)}, None
                e.value = e.raw["a"] / e.raw["b"]
            elif k == "yes_no":
                e.raw = bool(rng.random() < 0.7)
                e.value = float(e.raw)
            elif k == "level":
                e.raw = int(rng.integers(0, 3))
                e.value = float(e.raw)
            elif k == "percent":
                e.raw = e.value = float(round(rng.uniform(30, 100), 1))
            else:
                e.raw = e.value = float(rng.integers(0, 15))
            pts = pfw.points(e.code, e.value, True)
            e.self_points = round(pts, 2)
        Entry.objects.bulk_update(entries, ["raw", "value", "self_points"], batch_size=2000)
        Participant.objects.filter(round=rnd).update(status="submitted")
        services.recompute(rnd)
    acc = get_access(officer)
    services.transition(rnd.pk, "close_self", actor, acc, today=dt.date(2031, 2, 1))
    for p in Participant.objects.filter(round=rnd).order_by("pk")[::5]:
        e = Entry.objects.get(participant=p, code="hts_may_tinh")
        services.appraise(
            p.pk,
            {
                "hts_may_tinh": (
                    str(round(max(0.0, (e.self_points or 0) - 5), 2)).replace(".", ","),
                    "Số liệu máy tính không khớp báo cáo của Sở Nội vụ",
                )
            },
            actor,
            acc,
        )
    first = Participant.objects.filter(round=rnd).order_by("pk").first()
    return {
        "round": rnd.pk,
        "sheet": first.pk,
        "officer": officer,
        "seconds": time.perf_counter() - t0,
        "entries": Entry.objects.filter(participant__round=rnd).count(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    args = ap.parse_args()
    var = setup_env()
    print(
        f"chiso appraisal board benchmark — {os.cpu_count()} CPU, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, database {os.environ.get('DATABASE_URL', 'SQLite')}"
    )
    info = build()
    print(
        f"  built in {info['seconds']:.1f} s: {N_UNITS} units, {info['entries']} entries (self-assessed, "
        "every fifth unit appraised with a changed score)"
    )
    proc, port, env = start_gunicorn(args.workers)
    try:
        cookie = session_cookie(info["officer"])
        r, s = info["round"], info["sheet"]
        pages = [
            (f"board /xep-hang-noi-bo/dot/{r}/", f"/xep-hang-noi-bo/dot/{r}/", cookie),
            ("league table .../ket-qua/", f"/xep-hang-noi-bo/dot/{r}/ket-qua/", cookie),
            ("one unit's sheet .../phieu/", f"/xep-hang-noi-bo/phieu/{s}/", cookie),
        ]
        print(
            f"  gunicorn: {args.workers} sync workers, DB_CONN_MAX_AGE={env['DB_CONN_MAX_AGE']}; "
            f"{args.clients} concurrent clients; {args.requests} requests per page"
        )
        measure_pages(proc, port, pages, clients=args.clients, requests=args.requests, single=50)
    finally:
        stop_gunicorn(proc)
    shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
