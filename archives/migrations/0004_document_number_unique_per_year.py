from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("archives", "0003_seed_catalogue")]

    operations = [
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                fields=("region", "issuer", "year", "number"), name="document_number_unique_per_year"
            ),
        ),
    ]
