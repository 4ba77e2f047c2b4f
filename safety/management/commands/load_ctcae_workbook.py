from django.core.management.base import BaseCommand, CommandError

from integrity.audit_context import own_context
from safety import ctcae, term_list


class Command(BaseCommand):
    help = (
        "Load the complete official NCI CTCAE v5.0 spreadsheet (.xlsx) into the term list, all or nothing: a "
        "malformed file is refused with its problems and nothing is changed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("workbook", help="Path of the NCI CTCAE v5.0 .xlsx file.")
        parser.add_argument("--ctcae-version", default="5.0", dest="ctcae_version", help="CTCAE version (default 5.0).")

    def handle(self, *args, **options) -> None:
        path = options["workbook"]
        try:
            terms = ctcae.parse_ctcae_workbook(path)
        except ctcae.CtcaeFileError as exc:
            raise CommandError(str(exc)) from exc
        source = f"NCI CTCAE v{options['ctcae_version']} workbook {path.rsplit('/', 1)[-1]}"
        with own_context(reason=f"CTCAE term list loaded from {path.rsplit('/', 1)[-1]}"):
            created, updated = term_list.store_terms(terms, source=source, version=options["ctcae_version"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(terms)} CTCAE terms read: {created} added, {updated} updated, "
                f"{len(terms) - created - updated} unchanged."
            )
        )
