"""`migrate`, run as the database owner (DATABASE_MIGRATION_URL): the application role owns no table and may
not change the schema. The grants that follow are made by blinatrial.db_roles.grant_after_migrate."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from blinatrial.db_roles import as_owner


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as the database owner (DATABASE_MIGRATION_URL), then grants the app role."

    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)
