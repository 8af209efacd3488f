from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "devzone.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from devzone.enterprises import jobs  # noqa: F401  (registers the background job kinds)
