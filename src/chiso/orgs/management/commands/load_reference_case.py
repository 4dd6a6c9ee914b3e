"""Load the reference case from its data files (:mod:`chiso.orgs.reference_case` reads
``chiso/cases/<case>/case.yaml``): the province, its units and agencies from :mod:`chiso.reference`,
the agencies the case adds, the responsibility matrix, validation rules and (with --demo) labelled
demonstration users and rounds. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from chiso import reference
from chiso.collection import services
from chiso.collection.models import Round, Submission, ValidationRule, Value
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs import reference_case as rc
from chiso.orgs.models import Agency, Membership, Responsibility, Unit

KIND = {"province": Unit.Kind.PROVINCE, "district": Unit.Kind.DISTRICT, "commune": Unit.Kind.COMMUNE}


def _date(s: str | None):
    return dt.date.fromisoformat(s) if s else None


class Command(BaseCommand):
    help = "Load the reference case (chiso/cases/); --demo adds labelled demonstration data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load demonstration users and rounds")

    def handle(self, *args, **options):
        with transaction.atomic():
            units = self.handle_one_units()
            agencies = self.handle_one_agencies()
            matrix = self.handle_one_matrix()
            rules = self.handle_one_rules()
            out = f"units: {units}, agencies: {agencies}, matrix rows: {matrix}, rules: {rules}"
            if options["demo"]:
                users = self.handle_one_demo_users()
                rounds = self.handle_one_demo_rounds()
                out += f", demo users: {users}, demo rounds: {rounds}"
        return out

    # --- units ---------------------------------------------------------------------------------------
    def handle_one_units(self) -> int:
        records = {r["id"]: r for r in reference.unit_records()}
        # the province, its districts and their communes (not the rest of the country)
        districts = [i for i, r in records.items() if r.get("parent_id") == rc.PROVINCE_REF]
        in_districts = set(districts)
        wanted = [rc.PROVINCE_REF, *districts]
        wanted += [
            i for i, r in records.items() if r["level"] == "commune" and r.get("parent_id", "") in in_districts
        ]
        # successors of what we load (e.g. the merged Ninh Bình), so the links resolve
        extra = set()
        for i in list(wanted):
            for s in (records[i].get("successor_ids") or "").split(";"):
                s = s.strip()
                if s and s in records:
                    extra.add(s)
        ids = list(dict.fromkeys(wanted + sorted(extra)))
        # parents before children
        ids.sort(key=lambda i: {"province": 0, "district": 1, "commune": 2}[records[i]["level"]])
        for i in ids:
            r = records[i]
            parent = Unit.objects.filter(ref_id=r.get("parent_id") or "").first()
            Unit.objects.update_or_create(
                ref_id=i,
                defaults={
                    "code": r["code"], "name": r["name"], "kind": KIND[r["level"]], "parent": parent,
                    "valid_from": _date(r.get("valid_from")), "valid_to": _date(r.get("valid_to")),
                },
            )
        for i in ids:
            first = (records[i].get("successor_ids") or "").split(";")[0].strip()
            if first:
                Unit.objects.filter(ref_id=i).update(successor=Unit.objects.filter(ref_id=first).first())
        return len(ids)

    # --- agencies ----------------------------------------------------------------------------------------
    def handle_one_agencies(self) -> int:
        province = Unit.objects.get(ref_id=rc.PROVINCE_REF)
        rows = [r for r in reference.agency_records() if r["province_id"] == rc.PROVINCE_REF]
        for r in rows:
            unit = Unit.objects.filter(ref_id=r.get("unit_id") or "").first() or province
            Agency.objects.update_or_create(
                code=r["id"],
                defaults={
                    "name": r["name"], "short_name": r.get("short_name", "")[:60],
                    "kind": rc.TYPE_KIND.get(r["type"], Agency.Kind.DEPARTMENT), "unit": unit,
                    "is_standing_body": r["id"] == rc.STANDING_BODY,
                    "valid_from": _date(r.get("valid_from")), "valid_to": _date(r.get("valid_to")),
                },
            )
        for code, name, short, kind in rc.EXTRA_AGENCIES:
            Agency.objects.update_or_create(
                code=code,
                defaults={"name": name, "short_name": short, "kind": kind, "unit": province,
                          "valid_to": _date(rc.PROVINCE_ENDS)},
            )
        for r in rows:
            first = (r.get("successor_ids") or "").split(";")[0].strip()
            if first:
                Agency.objects.filter(code=r["id"]).update(successor=Agency.objects.filter(code=first).first())
        return len(rows) + len(rc.EXTRA_AGENCIES)

    # --- responsibility matrix ---------------------------------------------------------------------------
    def handle_one_matrix(self) -> int:
        try:
            fw = frameworks.get_framework(rc.FRAMEWORK_ID)
        except Exception as e:  # the framework library may not ship this edition
            self.stderr.write(f"matrix skipped: {e}")
            return 0
        known = set(fw.codes)
        n = 0
        for agency_ids, codes, role, note in rc.MATRIX:
            for agency in Agency.objects.filter(code__in=agency_ids):
                for code in codes:
                    if code not in known:
                        continue
                    Responsibility.objects.update_or_create(
                        framework_id=fw.id, code=code, agency=agency,
                        defaults={"role": role, "note": f"{rc.DECISION} {note}"},
                    )
                    n += 1
        return n

    def handle_one_rules(self) -> int:
        for left, op, right, const, importance, message in rc.RULES:
            ValidationRule.objects.update_or_create(
                framework_id=rc.FRAMEWORK_ID, left_code=left, op=op, right_code=right,
                defaults={"right_constant": const, "importance": importance, "message": message},
            )
        return len(rc.RULES)

    # --- demonstration data (labelled) -------------------------------------------------------------------
    def handle_one_demo_users(self) -> int:
        User = get_user_model()
        for username, full_name, agency_code, role in rc.DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(rc.DEMO_PASSWORD)
            first, _sep, last = full_name.partition(" ")
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.invalid"
            user.save()
            Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency_code), role=role)
        return len(rc.DEMO_USERS)

    def handle_one_demo_rounds(self) -> int:
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
