"""The collection part of the reference loaders: the reference case's validation rules and labelled
demonstration rounds (``load_reference_case``), and the labelled DTI round a province set up with
``--demo`` opens (``setup_province``).  The organisation part is :mod:`chiso.orgs.reference_loader` and
:mod:`chiso.orgs.provinces`; the commands, here in collection, call both."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from chiso.collection import services
from chiso.collection.models import Evidence, Round, Submission, ValidationRule, Value
from chiso.engine.errors import FrameworkError
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs import reference_case as rc
from chiso.orgs.models import Agency
from chiso.orgs.provinces import DEMO_COMMENT, DEMO_ROUND_FRAMEWORK, DEMO_ROUND_YEAR, DEMO_STATES


def load_rules() -> int:
    for left, op, right, const, importance, message in rc.RULES:
        ValidationRule.objects.update_or_create(
            framework_id=rc.FRAMEWORK_ID, left_code=left, op=op, right_code=right,
            defaults={"right_constant": const, "importance": importance, "message": message},
        )
    return len(rc.RULES)


def load_demo_rounds() -> int:
    if Round.objects.filter(is_demo=True).exists():
        return 0
    actor = audit.Actor(user=None, request_id="load_reference_case")
    today = timezone.localdate()
    rng = random.Random(rc.DEMO_SEED)
    fw = frameworks.get_framework(rc.FRAMEWORK_ID)
    past, current = rc.DEMO_ROUNDS["past"], rc.DEMO_ROUNDS["current"]
    old = services.create_round(
        actor, framework_id=fw.id, year=past["year"], quarter=None, is_demo=True, title=past["title"],
        opens_on=past["opens_on"], due_on=past["due_on"], locks_on=past["locks_on"],
    )
    new = services.create_round(
        actor, framework_id=fw.id, year=current["year"], quarter=None, is_demo=True, title=current["title"],
        opens_on=today - dt.timedelta(days=current["opens_days_ago"]),
        due_on=today + dt.timedelta(days=current["due_in_days"]),
        locks_on=today + dt.timedelta(days=current["locks_in_days"]),
    )

    def fill(sub, share=1.0, base=None):
        codes = services.indicator_codes(fw, sub.agency_id)
        for code in codes[: max(1, round(len(codes) * share))]:
            node = fw.node(code)
            lo, hi = node.value_range
            # Open-ended indicators: a plausible scale (computers per person ~1; subscriptions per 100 people).
            top = hi if hi is not None else (1.2 if node.unit.endswith("/người") else 150.0)
            prev = (base or {}).get(code)
            x = prev * rng.uniform(1.0, 1.15) if prev else rng.uniform(0.35, 0.9) * top
            Value.objects.update_or_create(
                submission=sub, code=code,
                defaults={"number": round(min(x, top), 2), "version": 1, "updated_at": timezone.now(),
                          "comment": "Số liệu minh họa"},
            )

    # 2016: every agency approved (writes directly: the round is in the past and locked)
    old_values = {}
    for sub in old.submissions.all():
        fill(sub)
        old_values[sub.agency_id] = dict(sub.values.values_list("code", "number"))
        sub.status = Submission.Status.APPROVED
        sub.submitted_at = sub.decided_at = timezone.make_aware(past["decided_at"])
        sub.save()
    # 2017: a round in progress, one agency per state
    by_code = {s.agency.code: s for s in new.submissions.select_related("agency")}
    for code, state in current["states"].items():
        sub = by_code.get(code)
        if sub is None:
            continue
        fill(sub, 0.5 if state == "partial" else 1.0, old_values.get(sub.agency_id))
        if state in ("approved", "submitted", "returned"):
            sub.status = state
            sub.submitted_at = timezone.now() - dt.timedelta(days=3)
            if state == "returned":
                sub.return_reason = current["return_reason"]
            sub.save()
    return 2


def load_demo_round(in_force: list[tuple[Agency, str]], as_of: dt.date) -> str:
    """A labelled demonstration collection round of the DTI (QĐ 405) for ``DEMO_ROUND_YEAR``, open on
    ``as_of``: the forms the matrix gives, the standing body's approved (with an evidence file), Sở Nội
    vụ's submitted, Sở Tài chính's half entered.  A round of that framework and year already there (a
    demo from an earlier run, or the department's own) is left as it is.  Returns its title, or ""."""
    try:
        fw = frameworks.get_framework(DEMO_ROUND_FRAMEWORK)
    except (FrameworkError, LookupError, OSError):
        return ""
    existing = Round.objects.filter(framework_id=fw.id, year=DEMO_ROUND_YEAR, quarter__isnull=True).first()
    if existing is not None:
        return existing.title
    actor = audit.Actor(request_id="setup_province")
    rnd = services.create_round(
        actor, framework_id=fw.id, year=DEMO_ROUND_YEAR, quarter=None, is_demo=True,
        title=f"Thu thập số liệu Chỉ số DTI năm {DEMO_ROUND_YEAR} (minh họa)",
        opens_on=as_of - dt.timedelta(days=21), due_on=as_of + dt.timedelta(days=9),
        locks_on=as_of + dt.timedelta(days=25),
    )  # fmt: skip
    type_of = {a.pk: t for a, t in in_force}
    now = timezone.now()
    for sub in rnd.submissions.select_related("agency"):
        state = DEMO_STATES.get(type_of.get(sub.agency_id, ""))
        if state is None:
            continue
        codes = services.indicator_codes(fw, sub.agency_id)
        if state == "partial":
            codes = codes[: max(1, len(codes) // 2)]
        for code in codes:
            node = fw.node(code)
            rng = random.Random(f"{fw.id}|{sub.agency.code}|{code}")  # the same figures on every machine
            kind = frameworks.indicator_kind(node)
            lo, hi = node.value_range
            number, choice = None, ""
            if kind == "choice":
                choice = str(next(iter(node.scoring.params.get("levels") or {"": 0})))
            elif kind == "yes_no":
                number = 1.0
            else:
                lo, hi = lo or 0.0, hi if hi is not None else 100.0
                number = round(lo + (hi - lo) * rng.uniform(0.45, 0.85), 4)
            value = Value.objects.create(submission=sub, code=code, number=number, choice=choice, version=1,
                                         comment=DEMO_COMMENT, updated_at=now)  # fmt: skip
            if state == "approved" and code == codes[0]:
                text = f"{DEMO_COMMENT}: minh chứng của {sub.agency.name} cho chỉ số {code}.\n".encode()
                ev = Evidence(value=value, original_name="minh-chung-minh-hoa.txt",
                              content_type="text/plain; charset=utf-8", size=len(text),
                              sha256=hashlib.sha256(text).hexdigest())  # fmt: skip
                ev.file.save("demo", ContentFile(text), save=False)
                ev.save()
        if state in ("approved", "submitted"):
            sub.status = state
            sub.submitted_at = now - dt.timedelta(days=2)
            sub.decided_at = now if state == "approved" else None
            sub.version = 1
            sub.save(update_fields=["status", "submitted_at", "decided_at", "version"])
    audit.record(actor, "round.demo", rnd, after={"states": DEMO_STATES, "year": DEMO_ROUND_YEAR})
    return rnd.title
