"""Export an action program to a file (YAML or .xlsx, the format of docs/program.md), which
``import_program`` reads back."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.program import transfer
from chiso.program.models import Program


class Command(BaseCommand):
    help = "Export an action program (by its code) to a YAML or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the program's code (Program.code)")
        parser.add_argument("--format", choices=("yaml", "xlsx"), default="yaml")
        parser.add_argument("-o", "--output", required=True, help="file to write ('-' for standard output, YAML only)")

    def handle(self, *args, **options):
        program = Program.objects.select_related("standing_body").filter(code=options["code"]).first()
        if program is None:
            codes = ", ".join(Program.objects.values_list("code", flat=True)) or "—"
            raise CommandError(f"No program {options['code']!r} (programs: {codes}).")
        if options["format"] == "xlsx":
            if options["output"] == "-":
                raise CommandError("An .xlsx workbook is written to a file: give -o FILE.")
            Path(options["output"]).write_bytes(transfer.export_xlsx(program))
        elif options["output"] == "-":
            self.stdout.write(transfer.export_yaml(program), ending="")
            return ""
        else:
            Path(options["output"]).write_text(transfer.export_yaml(program), encoding="utf-8")
        return f"{program.code}: {options['output']}"
