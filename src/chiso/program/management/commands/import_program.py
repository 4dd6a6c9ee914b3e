"""Import an action program from a file (YAML or .xlsx, the format of docs/program.md): every problem
is listed by part, row and field and nothing is written; a program of the same code is refused
unless ``--replace`` (and nothing was recorded in it yet), or kept as it is with ``--keep-existing``.
``--demo`` also loads the file's labelled demonstration part."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chiso.orgs import audit
from chiso.program import transfer
from chiso.program.models import Program


class Command(BaseCommand):
    help = "Import an action program from a YAML or .xlsx file (docs/program.md); nothing is written on a problem."

    def add_arguments(self, parser):
        parser.add_argument("file", help="program file (.yaml or .xlsx)")
        parser.add_argument("--demo", action="store_true", help="also load the file's labelled demo part")
        parser.add_argument(
            "--replace", action="store_true", help="replace a program of the same code with nothing recorded in it"
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="a program of the same code already there is kept as it is (only --demo's part is loaded, once): "
            "for `make run`",
        )

    def handle(self, *args, **options):
        if options["replace"] and options["keep_existing"]:
            raise CommandError("--replace and --keep-existing exclude each other.")
        return self.load(Path(options["file"]), demo=options["demo"], replace=options["replace"],
                         keep_existing=options["keep_existing"])  # fmt: skip

    def load(self, path: Path, *, demo: bool, replace: bool, keep_existing: bool = False,
             request_id: str = "import_program") -> str:  # fmt: skip
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(f"{path}: {e.strerror}") from None
        actor = audit.Actor(user=None, request_id=request_id)
        try:
            if keep_existing:
                existing = self._existing(data, path.name)
                if existing is not None:
                    out = f"{existing.code}: already loaded"
                    if demo:
                        with transaction.atomic():
                            tables, demo_part, _p = transfer.read(data, path.name)
                            plan_refs = transfer.demo_refs(existing, tables, demo_part)
                            out += f", demo: {transfer.load_demo(existing, demo_part, plan_refs, request_id + ' --demo')}"
                    return out
            program = transfer.import_program(data, path.name, actor, replace=replace, demo=demo)
        except transfer.FileRefused as e:
            lines = [e.message, *(f"  {p}" for p in e.listed.shown)]
            if e.listed.more:
                lines.append(f"  … (+{e.listed.more})")
            raise CommandError("\n".join(lines)) from None
        c = program.import_counts
        return (
            f"{program.code}: objectives: {c['objectives']}, tasks: {c['tasks']}, kpis: {c['kpis']}, "
            f"duties: {c['duties']}, obligations: {c['obligations']}, occurrences: {c['occurrences']}"
            + (", demo loaded" if demo else "")
        )

    @staticmethod
    def _existing(data: bytes, name: str) -> Program | None:
        tables, _demo, _problems = transfer.read(data, name)
        rows = tables.get("program") or []
        code = rows[0].values.get("code") if rows else None
        return Program.objects.filter(code=str(code)).first() if code else None
