from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cycles"

    def ready(self) -> None:
        from cycles import checks  # noqa: F401  (registers the app's automatic edit checks)
