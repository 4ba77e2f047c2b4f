from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Safety (adverse events, CRS, ICANS, laboratory, concomitant medications)"

    def ready(self) -> None:
        # Registers the safety edit checks with integrity.edit_checks.
        from safety import checks, worklists  # noqa: F401  (and the home page's work list)
