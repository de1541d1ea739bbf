"""The relationship a lead's reporter types gets its own field, which the retention purge
blanks. It used to be written into the "received" entry of the timeline, whose note the purge
keeps; this moves it out of every existing entry: into the new field while the tip still has
its personal data, nowhere once it has been purged."""

from django.db import migrations, models

# The line notices.forms.LeadForm wrote, in the site's language (zh-hans) and in English; the
# relationship ran from the end of the prefix to the end of the note.
PREFIXES = ("报告人与此人的关系：", "How the reporter knows the person: ")


def move_relationships(apps, schema_editor):
    TipEvent = apps.get_model("tip_reports", "TipEvent")
    TipReport = apps.get_model("tip_reports", "TipReport")
    for prefix in PREFIXES:
        entries = TipEvent.objects.filter(kind="received", note__contains=prefix)
        for event in entries.select_related("tip").iterator():
            start = event.note.index(prefix)
            relationship = " ".join(event.note[start + len(prefix) :].split())
            TipEvent.objects.filter(pk=event.pk).update(note=event.note[:start].rstrip("\n"))
            tip = event.tip
            if tip.personal_data_purged_at is None and not tip.reporter_relationship:
                TipReport.objects.filter(pk=tip.pk).update(
                    reporter_relationship=relationship[:100]
                )


class Migration(migrations.Migration):
    dependencies = [
        ("tip_reports", "0004_tip_log_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="tipreport",
            name="reporter_relationship",
            field=models.CharField(
                blank=True,
                help_text="Given with a lead about a family-search notice.",
                max_length=100,
                verbose_name="how the reporter knows the person",
            ),
        ),
        migrations.RunPython(move_relationships, migrations.RunPython.noop, elidable=True),
    ]
