from django.db import migrations, models

from integrity.display_version import CREATE_FUNCTION, DROP_FUNCTION, install


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("integrity", "0007_source_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="display_version",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        install(
            "integrity_dataquery",
            "integrity_querymessage",
            "integrity_lock",
            "integrity_signature",
            "integrity_sourceverification",
            "auth_user",
            "auth_group",
            "auth_user_groups",
            "auth_permission",
            "auth_group_permissions",
            "auth_user_user_permissions",
        ),
    ]
