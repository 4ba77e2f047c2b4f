import django.db.models.deletion
from django.db import migrations, models

# The curves' tables leave EndpointSnapshot.results (endpoints.curves): a recompute then writes only the tables
# whose inputs moved. Snapshots stored before keep their tables inline until their next recompute moves them
# here (services.snapshot_results reads both). LZ4 for the tables where the server has it, as for the results.
TABLE_LZ4 = """
DO $$
BEGIN
    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
        ALTER TABLE endpoints_endpointcurve ALTER COLUMN "table" SET COMPRESSION lz4;
    END IF;
END $$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('endpoints', '0008_snapshot_group_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='EndpointCurve',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=8)),
                ('path', models.CharField(max_length=64)),
                ('digest', models.CharField(max_length=80)),
                ('table', models.JSONField()),
                ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='curves', to='endpoints.endpointsnapshot')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('snapshot', 'scope', 'path'), name='one_curve_per_scope_path')],
            },
        ),
        migrations.RunSQL(TABLE_LZ4, migrations.RunSQL.noop),
    ]
