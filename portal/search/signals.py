"""Keeps objects that leave their model's ``get_indexed_objects()`` out of the search index.

Wagtail re-indexes an object after every save, but when the object is no longer one of its
model's indexed objects (a notice closed as reunited, a deactivated station) it merely skips
it, leaving the old entry searchable. This receiver removes that entry in the same
transaction as the save.
"""

from django.db.models.signals import post_save

from modelsearch import index


def remove_unindexed_object(sender, instance, raw=False, **kwargs):
    if raw:
        return
    indexed = index.get_indexed_instance(instance, check_exists=False)
    if indexed is None:
        return
    if not type(indexed).get_indexed_objects().filter(pk=indexed.pk).exists():
        index.remove_object(indexed)


def connect() -> None:
    for model in index.get_indexed_models():
        if getattr(model, "search_auto_update", True):
            post_save.connect(
                remove_unindexed_object,
                sender=model,
                dispatch_uid=f"portal.search.remove_unindexed.{model._meta.label_lower}",
            )
