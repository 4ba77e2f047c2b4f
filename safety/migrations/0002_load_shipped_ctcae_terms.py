from django.db import migrations


def load(apps, schema_editor):
    from safety import term_list

    term_list.load_shipped(model=apps.get_model("safety", "CtcaeTerm"))


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
