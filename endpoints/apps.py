from django.apps import AppConfig
from django.db.backends.signals import connection_created


class EndpointsConfig(AppConfig):
    name = "endpoints"

    def ready(self) -> None:
        from endpoints import signals, triggers  # noqa: F401 - registers the worker_ready reconciliation

        connection_created.connect(triggers.install, dispatch_uid="endpoints-watch-writes")
