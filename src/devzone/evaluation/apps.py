from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "devzone.evaluation"
    label = "evaluation"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from devzone.evaluation import jobs  # noqa: F401  (registers the "evaluation.run" job kind)
