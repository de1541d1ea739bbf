"""Wagtail's database search backend, taught to read Chinese.

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.search.backend"}}`` picks the SQLite
(FTS5) or PostgreSQL (tsvector) flavour from the default database, like Wagtail's own
``wagtail.search.backends.database``. Both store the same thing in Wagtail's index table:

* ``title``: the tokens of the fields named in the model's ``search_title_fields``
  (default ``("title",)``);
* ``body``: the title tokens again, then the tokens of every other ``SearchField``, so one
  column (with its index) decides whether a document matches;
* ``autocomplete``: the tokens of the ``AutocompleteField`` values;

with tokens made by ``portal.search.text`` (character bigrams for CJK, words otherwise), and
they answer the same queries: every phrase of the query in ``body``; documents whose title
alone matches the whole query first, then by relevance (BM25 on SQLite, ``ts_rank`` on
PostgreSQL, the title counting more). PostgreSQL uses the ``simple`` configuration so that no
stemmer or stop-word list touches the tokens.

Every model is indexed through its own ``search_fields`` and ``get_indexed_objects()``; objects
that leave ``get_indexed_objects()`` (a notice closed as reunited) are removed by
``portal.search.signals`` and by ``manage.py update_index``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from django.db import NotSupportedError, connection, connections, router
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Manager,
    OuterRef,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.encoding import force_str

from modelsearch.backends.base import (
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    EmptySearchResults,
    FilterFieldError,
)
from modelsearch.conf import get_app_config
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, PlainText
from modelsearch.query import Phrase as PhraseQuery
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from .text import MAX_COLUMN_TOKENS, Phrase, index_tokens, query_phrases

# A document whose title alone matches the whole query sorts before every other one.
TITLE_TIER = 1_000_000.0
# Up to this much more for a title match, the more of the title the query is.
TITLE_SHORTNESS = 100_000.0
# How much more a title occurrence counts than a body occurrence in the relevance.
TITLE_WEIGHT = 5.0
DEFAULT_TITLE_FIELDS = ("title",)


# --- Documents ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_text(item) for item in value.values())
    return force_str(value)


def _field_texts(obj, fields):
    """(search field, text) for every SearchField/AutocompleteField, following RelatedFields."""
    for field in fields:
        if isinstance(field, (SearchField, AutocompleteField)):
            yield field, _text(field.get_value(obj))
        elif isinstance(field, RelatedFields):
            related = field.get_value(obj)
            if related is None:
                continue
            if isinstance(related, Manager):
                related = related.all()
            elif callable(related):
                related = [related()]
            else:
                related = [related]
            for item in related:
                for sub_field, text in _field_texts(item, field.fields):
                    # A related object's fields are body text, whatever they are called.
                    yield (sub_field if not isinstance(sub_field, SearchField) else None), text


@dataclass
class Document:
    """What the index stores for one object."""

    title: str
    body: str
    autocomplete: str
    title_text: str
    body_text: str
    # Tokens of the first title field (a page's title, a station's Chinese name; a bigram of
    # Chinese and a word of English count alike): how much of the title a query can be, for
    # ranking. Stored in the entry's title_norm column.
    title_length: float = 1.0

    @classmethod
    def of(cls, obj) -> Document:
        title_fields = getattr(type(obj), "search_title_fields", DEFAULT_TITLE_FIELDS)
        titles, bodies, autocompletes = [], [], []
        for field, text in _field_texts(obj, obj.get_search_fields()):
            if not text.strip():
                continue
            if isinstance(field, AutocompleteField):
                autocompletes.append(text)
            elif field is not None and field.field_name in title_fields:
                titles.append(text)
            else:
                bodies.append(text)
        title_tokens = index_tokens(" ".join(titles))
        body_tokens = (title_tokens + index_tokens(" ".join(bodies)))[:MAX_COLUMN_TOKENS]
        return cls(
            title=" ".join(title_tokens),
            body=" ".join(body_tokens),
            autocomplete=" ".join(index_tokens(" ".join(autocompletes))),
            title_text=" ".join(titles),
            body_text=" ".join(bodies),
            title_length=float(len(index_tokens(titles[0])) if titles else 1) or 1.0,
        )


# --- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A boolean combination of phrases: ``op`` is "and" or "or"."""

    op: str
    children: tuple


@dataclass(frozen=True)
class Negation:
    child: object


def build_tree(query, *, autocomplete=False):
    """A modelsearch query as phrases combined with and/or/not; None when nothing is left to
    match (e.g. only punctuation was typed)."""
    if isinstance(query, MatchAll):
        return query
    if isinstance(query, (PlainText, Fuzzy)):
        # Fuzzy matching is approximated by the bigrams themselves.
        phrases = query_phrases(query.query_string)
        if autocomplete and phrases and not phrases[-1].prefix:
            last = phrases[-1]
            phrases[-1] = Phrase(last.tokens, prefix=True, text=last.text)
        op = "or" if getattr(query, "operator", "and") == "or" else "and"
        return _node(op, [_with_alternative(phrase) for phrase in phrases])
    if isinstance(query, PhraseQuery):
        return _node("and", query_phrases(query.query_string, split=False))
    if isinstance(query, Boost):
        return build_tree(query.subquery, autocomplete=autocomplete)
    if isinstance(query, Not):
        child = build_tree(query.subquery, autocomplete=autocomplete)
        return None if child is None else Negation(child)
    if isinstance(query, (And, Or)):
        children = [build_tree(sub, autocomplete=autocomplete) for sub in query.subqueries]
        if any(isinstance(child, MatchAll) for child in children):
            if isinstance(query, Or):
                return MatchAll()
            children = [child for child in children if not isinstance(child, MatchAll)]
            if not children:
                return MatchAll()
        return _node("and" if isinstance(query, And) else "or", children)
    raise NotImplementedError(f"{type(query).__name__} is not supported by the search backend.")


def _with_alternative(phrase: Phrase):
    if not phrase.alternative:
        return phrase
    return Node("or", (phrase, Node("and", phrase.alternative)))


def without_alternatives(tree):
    """The tree as typed: each phrase without the shorter dictionary words it may also match
    as (救助站 but not 救助 + 站). A title matching this is an exact title match."""
    if isinstance(tree, Phrase) or tree is None:
        return tree
    if isinstance(tree, Negation):
        return Negation(without_alternatives(tree.child))
    if (
        tree.op == "or"
        and len(tree.children) == 2
        and isinstance(tree.children[0], Phrase)
        and isinstance(tree.children[1], Node)
        and tree.children[0].alternative
        and tuple(tree.children[1].children) == tuple(tree.children[0].alternative)
    ):
        return tree.children[0]
    return Node(tree.op, tuple(without_alternatives(child) for child in tree.children))


def _node(op, children):
    children = tuple(child for child in children if child is not None)
    if not children:
        return None
    if len(children) == 1:
        return children[0]
    return Node(op, children)


def to_fts5(tree) -> str:
    """An FTS5 MATCH expression. Tokens hold only letters, digits and CJK characters, so
    quoting them is all the escaping needed."""
    if isinstance(tree, Phrase):
        return '"' + " ".join(tree.tokens) + '"' + ("*" if tree.prefix else "")
    if isinstance(tree, Negation):
        raise NotImplementedError("A negated search is only supported at the top level.")
    positives = [c for c in tree.children if not isinstance(c, Negation)]
    negatives = [c.child for c in tree.children if isinstance(c, Negation)]
    if tree.op == "or" and negatives:
        raise NotImplementedError("Negated alternatives are not supported by the search backend.")
    if not positives:
        raise NotImplementedError("A search made only of negations is not supported.")
    expression = "(" + f" {tree.op.upper()} ".join(to_fts5(c) for c in positives) + ")"
    if negatives:
        expression += " NOT (" + " OR ".join(to_fts5(c) for c in negatives) + ")"
    return expression


def to_tsquery(tree) -> str:
    """A raw PostgreSQL tsquery (for ``to_tsquery('simple', ...)``)."""
    if isinstance(tree, Phrase):
        lexemes = [f"'{token}'" for token in tree.tokens]
        if tree.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"
    if isinstance(tree, Negation):
        return "!" + to_tsquery(tree.child)
    connector = " & " if tree.op == "and" else " | "
    return "(" + connector.join(to_tsquery(child) for child in tree.children) + ")"


class SegmentedQueryCompiler(BaseSearchQueryCompiler):
    """Turns a query into phrases and runs it against the index table of one vendor."""

    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True
    autocomplete = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tree = build_tree(self.query, autocomplete=self.autocomplete)
        self.negated = isinstance(tree, Negation)
        self.tree = tree.child if self.negated else tree
        self.match_all = isinstance(self.tree, MatchAll)
        self.empty = self.tree is None
        # Restricting to the title (fields=["title"]) is honoured; any other field list
        # searches the whole document.
        self.title_only = bool(self.fields) and set(self.fields) <= {"title"}

    def check(self):
        # Field names in fields=[...] are not checked against SearchFields: see title_only.
        fields, self.fields = self.fields, None
        try:
            super().check()
        finally:
            self.fields = fields

    def content_types(self):
        return get_descendants_content_types_pks(self.queryset.model)

    def _as_pk(self, object_id_path):
        """The index's text object_id cast to the searched model's primary key type."""
        field = self.queryset.model._meta.pk
        while field.is_relation:  # a page type's pk is its link to wagtailcore.Page
            field = field.target_field
        return Cast(object_id_path, output_field=field.__class__())

    # Implemented per vendor: index rows matching the query for the searched model's content
    # types, with "object_id" reachable as ``self.object_id_path``.
    object_id_path = "object_id"

    def raw_matches(self):
        raise NotImplementedError

    def matching_entries(self):
        """raw_matches() of objects in the searched queryset. The queryset is checked row by
        row on its primary key (EXISTS), which stays fast however large it is."""
        in_queryset = self.queryset.order_by().filter(pk=OuterRef("_search_pk")).values("pk")
        return (
            self.raw_matches()
            .alias(_search_pk=self._as_pk(self.object_id_path))
            .filter(Exists(in_queryset))
        )

    def ranked_entries(self):
        """matching_entries() annotated with _tier (1 for a title match) and _relevance."""
        raise NotImplementedError

    def title_length(self):
        """An expression for the length of the matched document's title."""
        raise NotImplementedError

    def filtered_queryset(self):
        """The searched queryset restricted to (or, when negated, without) the matches."""
        pks = self.raw_matches().annotate(_search_pk=self._as_pk(self.object_id_path))
        lookup = {"pk__in": pks.values("_search_pk")}
        return self.queryset.exclude(**lookup) if self.negated else self.queryset.filter(**lookup)


class SegmentedSearchResults(BaseSearchResults):
    supports_facet = True

    def _do_search(self):
        compiler = self.query_compiler
        queryset = compiler.queryset
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if compiler.empty:
            return []
        if compiler.match_all or compiler.negated or not compiler.order_by_relevance:
            if compiler.match_all:
                results = queryset
            else:
                results = compiler.filtered_queryset()
                if not results.query.order_by:
                    results = results.order_by("-pk")
            results = list(results[self.start : self.stop])
            if self._score_field:
                for obj in results:
                    setattr(obj, self._score_field, None)
            return results

        # Exact title matches first, then title matches through a dictionary word, then the
        # rest; within a tier the shorter title (the query is more of it: 寻亲 is half of
        # 寻亲公告 and a tenth of a campaign's long title), then the relevance.
        shortness = Value(TITLE_SHORTNESS) / (
            Value(1.0) + Cast(compiler.title_length(), FloatField())
        )
        ranked = list(
            compiler.ranked_entries()
            .annotate(
                _score=F("_tier") * Value(TITLE_TIER)
                + Case(When(_tier__gt=0, then=shortness), default=Value(0.0))
                + F("_relevance")
            )
            # Equal scores: the shorter title (the more specific document) first.
            .order_by("-_score", compiler.title_length().asc(), compiler.object_id_path)
            .values_list(compiler.object_id_path, "_score")[self.start : self.stop]
        )
        if not ranked:
            return []
        to_python = queryset.model._meta.pk.to_python
        scores = {to_python(object_id): score for object_id, score in ranked}
        objects = {obj.pk: obj for obj in queryset.filter(pk__in=list(scores))}
        results = []
        for pk, score in scores.items():
            obj = objects.get(pk)
            if obj is not None:
                if self._score_field:
                    setattr(obj, self._score_field, score)
                results.append(obj)
        return results

    def _do_count(self):
        compiler = self.query_compiler
        if compiler.empty:
            return 0
        if compiler.match_all:
            return compiler.queryset.count()
        if compiler.negated:
            return compiler.filtered_queryset().count()
        return compiler.matching_entries().count()

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        if compiler.empty:
            return OrderedDict()
        queryset = compiler.queryset if compiler.match_all else compiler.filtered_queryset()
        rows = queryset.order_by().values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in rows)


class SegmentedIndexMixin:
    """Shared by both vendors' index classes."""

    def _refresh_title_norms(self, full=False):
        # title_norm holds each entry's title length (Document.title_length), not Wagtail's
        # norm; skipping Wagtail's refresh also saves a table-wide UPDATE after every save.
        return

    def delete_stale_entries(self):
        """Also drop entries of objects that left their model's get_indexed_objects()
        (e.g. closed notices), not only those of deleted objects."""
        super().delete_stale_entries()
        for model in get_indexed_models():
            indexed = (
                model.get_indexed_objects()
                .order_by()
                .annotate(_search_object_id=Cast("pk", output_field=CharField()))
                .values("_search_object_id")
            )
            self.entries.filter(content_type_id=get_content_type_pk(model)).exclude(
                object_id__in=indexed
            ).delete()


class SegmentedBackendMixin:
    results_class = SegmentedSearchResults
    # Wagtail's atomic rebuild: the whole update_index runs in one transaction.
    catch_indexing_errors = False

    def __init__(self, params):
        super().__init__(params)
        if params.get("ATOMIC_REBUILD", True):
            self.rebuilder_class = self.atomic_rebuilder_class

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str) and not query.strip():
            return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


# --- SQLite (FTS5) --------------------------------------------------------------------------


def _sqlite_backend_class():
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteIndex,
        SQLiteSearchAtomicRebuilder,
        SQLiteSearchRebuilder,
    )

    app_config = get_app_config()
    index_entry = app_config.get_model("IndexEntry")
    fts_entry = app_config.get_model("SQLiteFTSIndexEntry")
    fts_table = connection.ops.quote_name(fts_entry._meta.db_table)

    class SQLiteSegmentedIndex(SegmentedIndexMixin, SQLiteIndex):
        def add_items(self, model, objs):
            if not model.get_search_fields():
                return
            documents = {force_str(obj.pk): Document.of(obj) for obj in objs}
            if not documents:
                return
            content_type_id = get_content_type_pk(model)
            entries = self.entries.filter(content_type_id=content_type_id)
            existing = set(
                entries.filter(object_id__in=list(documents)).values_list("object_id", flat=True)
            )
            for object_id in existing:
                doc = documents[object_id]
                entries.filter(object_id=object_id).update(
                    title=doc.title,
                    body=doc.body,
                    autocomplete=doc.autocomplete,
                    title_norm=doc.title_length,
                )
            self.entries.bulk_create(
                [
                    index_entry(
                        content_type_id=content_type_id,
                        object_id=object_id,
                        title=doc.title,
                        body=doc.body,
                        autocomplete=doc.autocomplete,
                        title_norm=doc.title_length,
                    )
                    for object_id, doc in documents.items()
                    if object_id not in existing
                ]
            )

    class SQLiteSegmentedQueryCompiler(SegmentedQueryCompiler):
        object_id_path = "index_entry__object_id"

        def title_length(self):
            return F("index_entry__title_norm")

        def _column(self):
            if self.autocomplete:
                return "autocomplete"
            return "title" if self.title_only else "body"

        # The SQL below holds only the FTS table's quoted name and constants; the query
        # itself is always a parameter.
        def raw_matches(self):
            match = RawSQL(  # noqa: S611
                f"{fts_table} MATCH %s",
                [f"{{{self._column()}}} : {to_fts5(self.tree)}"],
                output_field=BooleanField(),
            )
            return fts_entry.objects.filter(match).filter(
                index_entry__content_type_id__in=self.content_types()
            )

        def ranked_entries(self):
            # FTS5 columns: autocomplete, body, title; bm25() is lower for better matches.
            weights = "1.0, 0.0, 0.0" if self.autocomplete else f"0.0, 1.0, {TITLE_WEIGHT}"
            relevance = RawSQL(  # noqa: S611
                f"-bm25({fts_table}, {weights})", [], output_field=FloatField()
            )
            # 2: the title holds the query as typed; 1: with a dictionary word's parts.
            title_hit = RawSQL(  # noqa: S611
                f"CASE WHEN {fts_table}.rowid IN (SELECT t.rowid FROM {fts_table} AS t "  # noqa: S608
                "WHERE t.title MATCH %s) THEN 2 "
                f"WHEN {fts_table}.rowid IN (SELECT t.rowid FROM {fts_table} AS t "
                "WHERE t.title MATCH %s) THEN 1 ELSE 0 END",
                [to_fts5(without_alternatives(self.tree)), to_fts5(self.tree)],
                output_field=IntegerField(),
            )
            return self.matching_entries().annotate(
                _tier=Value(0) if self.autocomplete else title_hit, _relevance=relevance
            )

    class SQLiteSegmentedAutocompleteCompiler(SQLiteSegmentedQueryCompiler):
        autocomplete = True

    class SQLiteSegmentedSearchBackend(SegmentedBackendMixin, BaseSearchBackend):
        query_compiler_class = SQLiteSegmentedQueryCompiler
        autocomplete_query_compiler_class = SQLiteSegmentedAutocompleteCompiler
        index_class = SQLiteSegmentedIndex
        rebuilder_class = SQLiteSearchRebuilder
        atomic_rebuilder_class = SQLiteSearchAtomicRebuilder

    return SQLiteSegmentedSearchBackend


# --- PostgreSQL (tsvector) ------------------------------------------------------------------

PG_CONFIG = "simple"


def _postgres_backend_class():
    from django.contrib.postgres.search import SearchQuery, SearchRank

    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchAtomicRebuilder,
        PostgresSearchRebuilder,
    )

    index_entry = get_app_config().get_model("IndexEntry")
    table = connection.ops.quote_name(index_entry._meta.db_table)

    class PostgresSegmentedIndex(SegmentedIndexMixin, PostgresIndex):
        def add_items(self, model, objs):
            if not model.get_search_fields():
                return
            documents = {force_str(obj.pk): Document.of(obj) for obj in objs}
            if not documents:
                return
            content_type_id = get_content_type_pk(model)
            rows, params = [], []
            vector = f"to_tsvector('{PG_CONFIG}', %s)"
            for object_id, doc in documents.items():
                rows.append(f"(%s, %s, {vector}, {vector}, {vector}, %s, %s, %s)")
                params += [
                    content_type_id,
                    object_id,
                    doc.title,
                    doc.autocomplete,
                    doc.body,
                    doc.title_length,
                    doc.title_text,
                    doc.body_text,
                ]
            with self.write_connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, "  # noqa: S608
                    "body, title_norm, title_text, body_text) VALUES "
                    + ", ".join(rows)
                    + " ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                    "title = EXCLUDED.title, autocomplete = EXCLUDED.autocomplete, "
                    "body = EXCLUDED.body, title_norm = EXCLUDED.title_norm, "
                    "title_text = EXCLUDED.title_text, "
                    "body_text = EXCLUDED.body_text",
                    params,
                )

    class PostgresSegmentedQueryCompiler(SegmentedQueryCompiler):
        object_id_path = "object_id"

        def title_length(self):
            return F("title_norm")

        def _tsquery(self):
            return SearchQuery(to_tsquery(self.tree), search_type="raw", config=PG_CONFIG)

        def _column(self):
            if self.autocomplete:
                return "autocomplete"
            return "title" if self.title_only else "body"

        def raw_matches(self):
            return index_entry.objects.filter(
                content_type_id__in=self.content_types(),
                **{self._column(): self._tsquery()},
            )

        def ranked_entries(self):
            query = self._tsquery()
            if self.autocomplete:
                relevance = SearchRank(F("autocomplete"), query, normalization=Value(1))
                tier = Value(0)
            else:
                relevance = SearchRank(
                    F("body"), query, normalization=Value(1)
                ) + TITLE_WEIGHT * SearchRank(F("title"), query, normalization=Value(1))
                exact = SearchQuery(
                    to_tsquery(without_alternatives(self.tree)), search_type="raw", config=PG_CONFIG
                )
                # 2: the title holds the query as typed; 1: with a dictionary word's parts.
                tier = Case(
                    When(title=exact, then=Value(2)),
                    When(title=query, then=Value(1)),
                    default=Value(0),
                )
            return self.matching_entries().annotate(
                _tier=tier, _relevance=Cast(relevance, FloatField())
            )

    class PostgresSegmentedAutocompleteCompiler(PostgresSegmentedQueryCompiler):
        autocomplete = True

    class PostgresSegmentedSearchBackend(SegmentedBackendMixin, BaseSearchBackend):
        query_compiler_class = PostgresSegmentedQueryCompiler
        autocomplete_query_compiler_class = PostgresSegmentedAutocompleteCompiler
        index_class = PostgresSegmentedIndex
        rebuilder_class = PostgresSearchRebuilder
        atomic_rebuilder_class = PostgresSearchAtomicRebuilder

    return PostgresSegmentedSearchBackend


_BACKEND_CLASSES: dict[str, type] = {}


def SearchBackend(params):  # Wagtail looks up this name in the module
    """The backend for the vendor of the database that holds Wagtail's index table."""
    from django.apps import apps

    alias = router.db_for_write(apps.get_model("wagtailsearch", "IndexEntry"))
    vendor = connections[alias].vendor
    if vendor not in _BACKEND_CLASSES:
        if vendor == "sqlite":
            _BACKEND_CLASSES[vendor] = _sqlite_backend_class()
        elif vendor == "postgresql":
            _BACKEND_CLASSES[vendor] = _postgres_backend_class()
        else:
            raise NotSupportedError(
                f"portal.search.backend supports SQLite and PostgreSQL, not {vendor}."
            )
    return _BACKEND_CLASSES[vendor](params)
