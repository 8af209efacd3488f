from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "devzone.chains"
    label = "chains"
    verbose_name = "产业链"
