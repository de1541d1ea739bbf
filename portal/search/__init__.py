"""Chinese-aware site search: text segmentation (text.py), the database search backend that
uses it (backend.py), index upkeep (signals.py) and result snippets (snippets.py)."""
