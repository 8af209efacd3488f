from django.db import models


class DemoState(models.Model):
    """Remembers that (and at which scale) the demo data was loaded, so `devzone demo` can run again."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    scale = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"demo scale {self.scale}"
