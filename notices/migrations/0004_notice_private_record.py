"""A notice's private details move out of the page into NoticePrivateRecord (issue 16): copied
over, then removed from the page and from every stored revision of every notice, so that no
revision, compare view or preview can show them again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PRIVATE_FIELDS = ("escorting_unit", "health_notes")


def move_private_fields(apps, schema_editor):
    Notice = apps.get_model("notices", "FamilySearchNoticePage")
    Record = apps.get_model("notices", "NoticePrivateRecord")
    for notice in Notice.objects.exclude(escorting_unit="", health_notes="").iterator():
        Record.objects.update_or_create(
            page_id=notice.pk,
            defaults={"escorting_unit": notice.escorting_unit, "health_notes": notice.health_notes},
        )


def scrub_revisions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(
        app_label="notices", model="familysearchnoticepage"
    ).first()
    if content_type is None:
        return
    revisions = Revision.objects.filter(
        content_type_id=content_type.pk
    ) | Revision.objects.filter(base_content_type_id=content_type.pk)
    for revision in revisions.distinct().iterator():
        content = revision.content or {}
        if any(name in content for name in PRIVATE_FIELDS):
            for name in PRIVATE_FIELDS:
                content.pop(name, None)
            Revision.objects.filter(pk=revision.pk).update(content=content)


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0003_notice_review_workflow'),
        ('wagtailcore', '0094_alter_page_locale'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NoticePrivateRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('escorting_unit', models.CharField(blank=True, max_length=100, verbose_name='escorting unit')),
                ('health_notes', models.TextField(blank=True, max_length=2000, verbose_name='health notes')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('page', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='private_record', to='notices.familysearchnoticepage', verbose_name='notice')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'private record of a notice',
                'verbose_name_plural': 'private records of notices',
            },
        ),
        migrations.RunPython(move_private_fields, migrations.RunPython.noop),
        migrations.RunPython(scrub_revisions, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='familysearchnoticepage',
            name='escorting_unit',
        ),
        migrations.RemoveField(
            model_name='familysearchnoticepage',
            name='health_notes',
        ),
    ]
