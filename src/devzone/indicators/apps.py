from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "devzone.indicators"
    label = "indicators"
    verbose_name = "经济运行"
