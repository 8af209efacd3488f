from django.db import migrations


def load(apps, schema_editor):
    from devzone.dispatch.reference import load_rules, load_sla_table

    load_sla_table(apps.get_model("dispatch", "SlaRule"))
    load_rules(apps.get_model("dispatch", "DispatchRules"))


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
