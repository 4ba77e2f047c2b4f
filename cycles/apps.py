from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "cycles"

    def ready(self) -> None:
        from cycles import checks, services, worklists  # noqa: F401  (registers the app's edit checks and work lists)
        from integrity.words import register_field

        # the status change cycles writes at the first dose, in words on the audit and signed-content pages
        register_field("enrollment.StatusChange.reason", values={services.FIRST_DOSE: services.FIRST_DOSE})
