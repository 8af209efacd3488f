from django.db import migrations

from devzone.core.reference import ROLE_CODES, load_roles


def load(apps, schema_editor):
    load_roles(apps.get_model("core", "Role"))


def unload(apps, schema_editor):
    apps.get_model("core", "Role").objects.filter(code__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
