from django.db import migrations, models

from pages.snippets import sentence_index


def index_sentences(apps, schema_editor):
    """Store every article's sentences and search words in the form pages/snippets.py gives."""
    Article = apps.get_model("pages", "Article")
    for article in Article.objects.only("body_text"):
        sentences, words = sentence_index(article.body_text, schema_editor.connection)
        Article.objects.filter(pk=article.pk).update(search_sentences=sentences, search_words=words)


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
        migrations.RunPython(index_sentences, migrations.RunPython.noop),
    ]
