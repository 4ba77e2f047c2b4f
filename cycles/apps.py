from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cycles"

    def ready(self) -> None:
        from cycles import checks, worklists  # noqa: F401  (registers the app's edit checks and work lists)
