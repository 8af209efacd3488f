from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "devzone.core"
    label = "core"
    verbose_name = "组织与权限"

    def ready(self) -> None:
        from devzone.core import signals  # noqa: F401  (connects login audit receivers)
