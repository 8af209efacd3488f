from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "devzone.finance"
    label = "finance"
    verbose_name = "政银企对接"
