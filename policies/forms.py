"""The explainer's admin form (a clear message for an over-long summary) and the public
filter form of the explainer list (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from portal.forms import INVALID_CHOICE, PlainTextMixin, PublicForm

SUMMARY_TOO_LONG = _(
    "Keep the summary to %(limit_value)d characters or fewer (it has %(show_value)d): it is "
    "shown in lists and search results, where longer text is cut off."
)


class ExplainerAdminForm(PlainTextMixin, WagtailAdminPageForm):
    plain_text_fields = ("title", "seo_title", "summary")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "summary" in self.fields:
            self.fields["summary"].error_messages["max_length"] = SUMMARY_TOO_LONG


class ExplainerFilterForm(PublicForm):
    """Topic, audience, year and status, all optional and combinable. An invalid value is
    reported and ignored, never a server error. Choices are built from the database once per
    request (three queries)."""

    topic = forms.ChoiceField(
        label=_("Topic"), required=False, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    audience = forms.ChoiceField(
        label=_("Written for"), required=False, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": INVALID_CHOICE},
        help_text=_("Year the source document was issued, or the explainer published."),
    )
    status = forms.ChoiceField(
        label=_("Status of the source"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    def __init__(self, *args, topics=(), audiences=(), years=(), **kwargs):
        from .models import PolicyExplainerPage

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (topic.slug, topic.localised_name) for topic in topics
        ]
        self.fields["audience"].choices = [("", _("Everyone"))] + [
            (audience.slug, audience.localised_name) for audience in audiences
        ]
        self.fields["year"].choices = [("", _("Any year"))] + [
            (str(year), str(year)) for year in years
        ]
        self.fields["status"].choices = [
            ("", _("Any status")),
            *PolicyExplainerPage.SourceStatus.choices,
        ]

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def filter(self, queryset):
        """Apply every valid filter; invalid ones are left out (their errors are shown)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        if data.get("topic"):
            queryset = queryset.filter(topic__slug=data["topic"])
        if data.get("audience"):
            queryset = queryset.filter(audiences__slug=data["audience"])
        if data.get("year"):
            queryset = queryset.filter(policy_year=data["year"])
        if data.get("status"):
            queryset = queryset.exclude(source_title="").filter(source_status=data["status"])
        return queryset
