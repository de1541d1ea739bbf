from django.db import migrations


def load(apps, schema_editor):
    from stations.areas import load_areas

    load_areas(apps.get_model("stations", "Area"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0003_area_centres")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
