"""The display version: a statement-level trigger on each table that pages show but that is not clinical data
bumps `integrity_dataversion.display_version` in the writing transaction, whatever the write path (ORM, admin,
raw SQL, TRUNCATE). Clinical tables bump `version` (integrity.models.ClinicalRecord). With both, a rendered page
can be cached under the versions it was built from (enrollment.casebook_cache) and is never shown stale.

Each app installs the triggers on its own tables in a migration (`install`); a test checks that every table of
the schema is clinical, carries this trigger, or is listed in tests as one that no page shows.
"""

from django.db import migrations

FUNCTION = "integrity_bump_display_version"
TRIGGER = "bump_display_version"

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION integrity_bump_display_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE integrity_dataversion SET display_version = display_version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {FUNCTION}();"


def install(*tables: str) -> migrations.RunSQL:
    """A migration operation that puts the trigger on `tables` (and takes it off when reversed)."""
    create = [
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();"
        for table in tables
    ]
    drop = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table};" for table in tables]
    return migrations.RunSQL(create, drop)
