from django.db import migrations

from integrity.display_version import install


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0006_more_verbose_names"),
        ("integrity", "0008_display_version"),
    ]

    operations = [
        install("safety_ctcaeterm", "safety_saealert"),
    ]
