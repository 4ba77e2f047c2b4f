from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Registers the app's edit checks in integrity's registry; ready() is where Django allows it.
        from assessments import checks, worklists  # noqa: F401  (the home page's work lists too)
