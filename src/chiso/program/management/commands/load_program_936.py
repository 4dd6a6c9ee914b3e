"""Load the reference case's action program: ``chiso/cases/<case>/program.yaml`` through the program
importer (:mod:`chiso.program.transfer`, the same as ``import_program``); ``--demo`` adds the file's
labelled demonstration progress (one quarter), recommendations (one answered and public), an agency
plan and recorded occurrences.

Needs ``load_reference_case`` first (agencies). Idempotent: a program already loaded is kept as it
is (what the department edited in the app — targets, baselines — is never reset), and the
demonstration part is loaded once."""

from __future__ import annotations

from chiso import cases
from chiso.program.management.commands.import_program import Command as ImportCommand


class Command(ImportCommand):
    help = (
        "Load the reference case's action program (chiso/cases/) through the program importer; "
        "--demo adds labelled demonstration progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load labelled demonstration progress")

    def handle(self, *args, **options):
        path = cases.case_dir() / "program.yaml"
        return self.load(path, demo=options["demo"], replace=False, keep_existing=True, request_id="load_program_936")
