from django.db import migrations, models

# This migration also filled the new column in with pages/snippets.py, which is gone: 0006
# removes the column, so a database migrated from scratch has nothing to fill in.


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_search_sentences"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_words",
            field=models.JSONField(default=dict, editable=False),
        ),
    ]
