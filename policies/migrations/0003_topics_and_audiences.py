"""The starting topics and the six audiences of the design, so a fresh installation can file
and filter explainers without the demo seeder. Data copied here (not imported) so that later
changes to policies.taxonomy never rewrite history."""

from django.db import migrations

TOPICS = [
    ("getting-help", "求助与救助", "Getting help"),
    ("family-search", "寻亲与落户", "Family search and registration"),
    ("responsibilities", "职责分工", "Who does what"),
    ("care-services", "站内服务", "Care at the station"),
    ("minors", "未成年人保护", "Protecting minors"),
]
AUDIENCES = [
    ("people-in-need", "求助人员和家属", "People in need and families"),
    ("public", "社会公众", "The public"),
    ("police", "公安民警", "Police"),
    ("hospitals", "医疗机构", "Hospitals"),
    ("volunteers", "志愿者和社会组织", "Volunteers and NGOs"),
    ("station-staff", "救助站工作人员", "Station staff"),
]


def create(apps, schema_editor):
    for model_name, rows in (("PolicyTopic", TOPICS), ("Audience", AUDIENCES)):
        model = apps.get_model("policies", model_name)
        for order, (slug, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
            )


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_explainers")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
