from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Registers the app's edit checks, what an end-of-cycle signature covers and needs, and the home page's
        # work lists in integrity's registries; ready() is where Django allows it.
        from assessments import checks, signing, worklists  # noqa: F401
