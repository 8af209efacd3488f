from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "devzone.intake"
    label = "intake"
    verbose_name = "数据导入"

    def ready(self) -> None:
        from devzone.intake.registry import autodiscover

        autodiscover()
