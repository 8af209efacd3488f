from django.db import migrations

ROLE_CODES = ["city_leader", "project_office", "supervision", "investment", "industry", "statistics", "county",
              "service_officer", "enterprise", "observer"]


def load(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    Role.objects.bulk_create([Role(code=code) for code in ROLE_CODES])


def unload(apps, schema_editor):
    apps.get_model("core", "Role").objects.filter(code__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
