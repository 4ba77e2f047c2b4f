from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = "Data integrity (audit, queries, signatures, locks)"

    def ready(self) -> None:
        from blinatrial.db_roles import event_models, grant_after_migrate
        from integrity import security_log, worklists  # noqa: F401  (worklists: the home page's lists)
        from integrity.lock_triggers import protect_event_tables

        # Every audit event table refuses TRUNCATE, whichever app's model it records.
        protect_event_tables(event_models())
        # Sign-ins, lockouts, passwords and roles feed the security event log.
        security_log.connect()
        # After `migrate` (run as the database owner), the application role gets its privileges.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="blinatrial.db_roles.grant_after_migrate")
