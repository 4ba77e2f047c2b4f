from django.db import migrations

from integrity.display_version import install


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0010_verbose_names"),
        ("integrity", "0008_display_version"),
    ]

    operations = [
        install("enrollment_site", "enrollment_site_users", "enrollment_staffprofile", "enrollment_studysettings"),
    ]
