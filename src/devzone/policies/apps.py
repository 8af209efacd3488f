from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "devzone.policies"
    label = "policies"
    verbose_name = "政策兑现"
