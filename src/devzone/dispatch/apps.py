from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "devzone.dispatch"
    label = "dispatch"
    verbose_name = "调度督办"
