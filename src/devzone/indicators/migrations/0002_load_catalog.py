from django.db import migrations

from devzone.indicators.catalog import load, unload


def settings_row(apps, schema_editor) -> None:
    apps.get_model("indicators", "MonitorSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, unload), migrations.RunPython(settings_row, migrations.RunPython.noop)]
