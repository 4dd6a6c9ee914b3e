"""A report job's heartbeat and number of runs (issue 15: the task runner). Jobs already started
carry over as run once, their heartbeat the time they started: one left RUNNING by the old worker is
then taken again by the next runner, as a job whose worker died."""

from django.db import migrations, models
from django.db.models import F


def carry_over(apps, schema_editor):
    ReportJob = apps.get_model("reports", "ReportJob")
    ReportJob.objects.filter(started__isnull=False).update(heartbeat=F("started"), attempts=1)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_documents_everywhere"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="số lần chạy"),
        ),
        migrations.AddField(
            model_name="reportjob",
            name="heartbeat",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
