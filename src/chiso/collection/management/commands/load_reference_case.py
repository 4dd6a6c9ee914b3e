"""Load the reference case from its data files (:mod:`chiso.orgs.reference_case` reads
``chiso/cases/<case>/case.yaml``): the province, its units and agencies from :mod:`chiso.reference`,
the agencies the case adds, the responsibility matrix and (with --demo) labelled demonstration users
(:mod:`chiso.orgs.reference_loader`); the validation rules and (with --demo) labelled demonstration
rounds (:mod:`chiso.collection.management.loaders`). Idempotent: running it twice changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from chiso.collection.management import loaders
from chiso.orgs import reference_loader


class Command(BaseCommand):
    help = "Load the reference case (chiso/cases/); --demo adds labelled demonstration data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load demonstration users and rounds")

    def handle(self, *args, **options):
        with transaction.atomic():
            units = reference_loader.load_units()
            agencies = reference_loader.load_agencies()
            matrix = reference_loader.load_matrix(self.stderr)
            rules = loaders.load_rules()
            out = f"units: {units}, agencies: {agencies}, matrix rows: {matrix}, rules: {rules}"
            if options["demo"]:
                users = reference_loader.load_demo_users()
                rounds = loaders.load_demo_rounds()
                out += f", demo users: {users}, demo rounds: {rounds}"
        return out
