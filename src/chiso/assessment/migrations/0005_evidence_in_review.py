# The evidence files of entries move to the one evidence table (review.Evidence); their stored
# file names are kept, so the files on disk are found. ``EvidenceFile`` stays as a proxy of that table.

from django.db import migrations

from chiso.review.moving import move_evidence


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0004_participant_version"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0001_initial"),
    ]

    operations = [
        move_evidence("assessment", "EvidenceFile", "entry", "entry"),
        migrations.DeleteModel(name="EvidenceFile"),
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[],
            options={"proxy": True, "indexes": [], "constraints": []},
            bases=("review.evidence",),
        ),
    ]
