from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "devzone.ops"
    label = "ops"
    verbose_name = "operations"

