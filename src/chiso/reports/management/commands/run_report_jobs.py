"""Run the report jobs waiting now, in this process: what a job's queued task does, by hand (ops, tests).

The worker process is the task runner's (``python -m chiso.manage qcluster``; ``make run`` starts it
beside the server, docs/deployment.md): it runs each job's task as it is queued. ``--loop`` starts that
worker in this process, for scripts that still call it.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from chiso.reports import services
from chiso.reports.models import ReportJob


class Command(BaseCommand):
    help = (
        "Run the queued report jobs (and those whose worker died) now, in this process; "
        "--loop starts the task runner's worker (qcluster) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="start the worker process (same as qcluster)")
        parser.add_argument("--interval", type=float, default=2.0, help="unused; kept for older scripts")
        parser.add_argument("--no-pdf", action="store_true", help="skip the PDF conversion")

    def handle(self, *args, **options):
        if options["loop"]:
            if options["no_pdf"]:
                raise CommandError("--no-pdf applies to the jobs run now, not to the worker (leave out --loop)")
            call_command("qcluster")
            return None
        done = failed = 0
        for job_id in self.handle_one_batch():
            job = services.run_job(job_id, pdf=not options["no_pdf"])
            done += job.status == ReportJob.Status.DONE
            failed += job.status == ReportJob.Status.FAILED
        return f"report jobs done: {done}, failed: {failed}"

    def handle_one_batch(self) -> list[int]:
        return list(services.runnable().values_list("pk", flat=True))
