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
        register_words()


def register_words() -> None:
    """The words of the codes enrollment stores outside choice fields (audit and signed-content pages)."""
    from enrollment import rules, services
    from enrollment.models import ParticipantStatus, ScreeningStatus
    from enrollment.protocol import ENROLLMENT_PROTOCOL
    from integrity.words import register_field

    statuses = {**dict(ScreeningStatus.choices), **dict(ParticipantStatus.choices)}
    register_field("enrollment.StatusChange.from_status", values=statuses)
    register_field("enrollment.StatusChange.to_status", values=statuses)
    register_field(
        "enrollment.StatusChange.reason",
        values={**rules.OFF_STUDY_REASON_LABELS, services.ENROLLED_REASON: services.ENROLLED_REASON},
    )
    register_field(
        "enrollment.ScreeningRecord.criteria",
        values=rules.ANSWER_WORDS,
        names={c.code: c.text for c in ENROLLMENT_PROTOCOL.criteria},
    )
