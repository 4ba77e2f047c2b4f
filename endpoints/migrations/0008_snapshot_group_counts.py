from django.db import migrations, models

# A snapshot's results are some megabytes of JSON at tens of thousands of participants (every Kaplan-Meier
# table, pooled and per site), written whole by every recompute: LZ4 compresses them for TOAST in a fraction of
# the time of PostgreSQL's default (pglz). Only where the server was built with LZ4; the data read back is the same.
RESULTS_LZ4 = """
DO $$
BEGIN
    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
        ALTER TABLE endpoints_endpointsnapshot ALTER COLUMN results SET COMPRESSION lz4;
    END IF;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("endpoints", "0007_dashboardpanel_per_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="endpointsnapshot",
            name="group_counts",
            field=models.JSONField(default=dict),
        ),
        migrations.RunSQL(
            RESULTS_LZ4, "ALTER TABLE endpoints_endpointsnapshot ALTER COLUMN results SET COMPRESSION default"
        ),
    ]
