"""Empty: a name other apps' migrations came to depend on (impact 0004) while 0012 was being
written. Kept so their dependency holds; it changes nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vmi_programme", "0012_people_admin")]
    operations = []
