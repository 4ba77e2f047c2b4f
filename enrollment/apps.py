from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "Enrollment"

    def ready(self) -> None:
        from enrollment import (
            edit_checks,  # noqa: F401  (registers the app's automatic edit checks)
            security_events,
            worklists,  # noqa: F401  (registers the home page's ready-to-enroll list)
        )

        security_events.connect()  # site assignments and all-sites access go to the security log
