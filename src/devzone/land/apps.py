from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "devzone.land"
    label = "land"
    verbose_name = "用地保障"

    def ready(self) -> None:
        from devzone.land import hooks, maps

        hooks.connect()
        maps.register()
