from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "devzone.reports"
    label = "reports"
    verbose_name = "通报与台账"

    def ready(self) -> None:
        from devzone.reports import jobs  # noqa: F401  (registers the "reports.bulletin" job kind)
