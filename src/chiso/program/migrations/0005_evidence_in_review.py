# The evidence files of progress reports move to the one evidence table (review.Evidence); their stored
# file names are kept, so the files on disk are found. ``ProgressEvidence`` stays as a proxy of that table.

from django.db import migrations

from chiso.review.moving import move_evidence


class Migration(migrations.Migration):

    dependencies = [
        ("program", "0004_kpi_source_help"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0001_initial"),
    ]

    operations = [
        move_evidence("program", "ProgressEvidence", "report", "progressreport"),
        migrations.DeleteModel(name="ProgressEvidence"),
        migrations.CreateModel(
            name="ProgressEvidence",
            fields=[],
            options={"proxy": True, "indexes": [], "constraints": []},
            bases=("review.evidence",),
        ),
    ]
