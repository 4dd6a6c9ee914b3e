"""The report worker: runs queued report jobs in its own process (the web process only queues them).
``--loop`` keeps polling — ``make run`` starts it beside the server; a deployment runs it as a service."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from chiso.reports import services
from chiso.reports.models import ReportJob


class Command(BaseCommand):
    help = "Run queued report jobs; --loop keeps polling (the report worker process)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep polling for new jobs")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls with --loop")
        parser.add_argument("--no-pdf", action="store_true", help="skip the PDF conversion")

    def handle(self, *args, **options):
        done = failed = 0
        services.requeue_stale()
        while True:
            for job_id in self.handle_one_batch():
                job = services.run_job(job_id, pdf=not options["no_pdf"])
                done += job.status == ReportJob.Status.DONE
                failed += job.status == ReportJob.Status.FAILED
            if not options["loop"]:
                break
            close_old_connections()  # a long-lived worker keeps no broken or stale connection between polls
            time.sleep(options["interval"])
        return f"report jobs done: {done}, failed: {failed}"

    def handle_one_batch(self) -> list[int]:
        return list(
            ReportJob.objects.filter(status=ReportJob.Status.QUEUED)
            .order_by("created", "id")
            .values_list("pk", flat=True)[:20]
        )
