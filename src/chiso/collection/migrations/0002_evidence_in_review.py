# The evidence files of form values move to the one evidence table (review.Evidence); their stored
# file names are kept, so the files on disk are found. ``Evidence`` stays as a proxy of that table.

from django.db import migrations

from chiso.review.moving import move_evidence


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0001_initial"),
    ]

    operations = [
        move_evidence("collection", "Evidence", "value", "value"),
        migrations.DeleteModel(name="Evidence"),
        migrations.CreateModel(
            name="Evidence",
            fields=[],
            options={"proxy": True, "indexes": [], "constraints": []},
            bases=("review.evidence",),
        ),
    ]
