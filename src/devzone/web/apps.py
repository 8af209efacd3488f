from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "devzone.web"
    label = "web"
    verbose_name = "界面"
