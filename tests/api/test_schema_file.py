"""The checked-in api/openapi.yaml is the schema the code generates, and it generates without warnings."""

from pathlib import Path

from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
REFRESH = "python manage.py spectacular --file api/openapi.yaml --validate --fail-on-warn"


def test_the_checked_in_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == SCHEMA.read_text(), (
        f"api/openapi.yaml is out of date with the API's code: refresh it with `{REFRESH}` and commit it."
    )
