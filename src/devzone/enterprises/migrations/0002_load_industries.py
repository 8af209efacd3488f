from django.db import migrations

from devzone.enterprises.industries import load, unload


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
