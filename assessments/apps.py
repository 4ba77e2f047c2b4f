from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Registers the app's edit checks and what an end-of-cycle signature covers and needs in integrity's
        # registries; ready() is where Django allows it.
        from assessments import checks, signing  # noqa: F401
