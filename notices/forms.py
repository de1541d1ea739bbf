"""The notice list's filter form (GET) and the "I may know this person" lead form (POST)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.forms import (
    HONEYPOT_FIELD,
    INVALID_CHOICE,
    TOO_LONG,
    FastSelect,
    PublicForm,
    clean_phone,
    honeypot_field,
)
from stations.forms import area_choices
from tip_reports.intake import Category, TipSubmission

from .models import FamilySearchNoticePage

TEXT_LIMIT = 100

# name → (label, lowest age, highest age or None)
AGE_GROUPS = {
    "child": (_("Child (0–13)"), 0, 13),
    "teen": (_("Teenager (14–17)"), 14, 17),
    "adult": (_("Adult (18–59)"), 18, 59),
    "elderly": (_("Elderly (60 and over)"), 60, None),
}
TEXT_FIELDS = (
    "title",
    "name",
    "features",
    "clothing",
    "memories",
    "found_place",
    "dialect_note",
)


class NoticeFilterForm(PublicForm):
    """Every field optional; an invalid value is reported and ignored, never a server error."""

    q = forms.CharField(
        label=_("Search text"),
        required=False,
        help_text=_("A name, feature, item of clothing, place or word the person remembers."),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": TEXT_LIMIT}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", _("Any")), *FamilySearchNoticePage.Sex.choices],
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("Any")), *[(key, group[0]) for key, group in AGE_GROUPS.items()]],
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    area = forms.ChoiceField(
        label=_("Where found"),
        required=False,
        error_messages={"invalid_choice": _("Choose a city and district from the list.")},
        widget=FastSelect,
    )
    found_from = forms.DateField(
        label=_("Found on or after"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2025-03-01.")},
    )
    found_to = forms.DateField(
        label=_("Found on or before"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2025-03-01.")},
    )
    dialect = forms.ChoiceField(
        label=_("Dialect or accent"),
        required=False,
        choices=[("", _("Any")), *FamilySearchNoticePage.Dialect.choices],
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices, self._areas = area_choices()
        choices[0] = ("", _("Anywhere"))
        self.fields["area"].choices = choices

    def clean_q(self) -> str:
        return " ".join((self.cleaned_data.get("q") or "").split())[:TEXT_LIMIT]

    def clean_area(self):
        code = self.cleaned_data.get("area")
        return self._areas.get(code) if code else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("found_from"), cleaned.get("found_to")
        if start and end and start > end:
            self.add_error(
                "found_to",
                ValidationError(
                    _("The end date must not be before the start date."), code="date_order"
                ),
            )
            cleaned.pop("found_to", None)
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    def filter(self, queryset):
        """Apply every valid filter; invalid ones are left out (their errors are shown)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        if data.get("sex"):
            queryset = queryset.filter(sex=data["sex"])
        if data.get("age"):
            _label, low, high = AGE_GROUPS[data["age"]]
            # Overlap of [age_min, age_max] and [low, high]; an open end matches.
            queryset = queryset.filter(Q(age_max__isnull=True) | Q(age_max__gte=low))
            if high is not None:
                queryset = queryset.filter(Q(age_min__isnull=True) | Q(age_min__lte=high))
        area = data.get("area")
        if area is not None:
            queryset = queryset.filter(Q(found_area=area) | Q(found_area__parent=area))
        if data.get("found_from"):
            queryset = queryset.filter(found_date__gte=data["found_from"])
        if data.get("found_to"):
            queryset = queryset.filter(found_date__lte=data["found_to"])
        if data.get("dialect"):
            queryset = queryset.filter(dialect=data["dialect"])
        if data.get("q"):
            text = Q()
            for name in TEXT_FIELDS:
                text |= Q(**{f"{name}__icontains": data["q"]})
            queryset = queryset.filter(text)
        return queryset


class LeadForm(PublicForm):
    relationship = forms.CharField(
        label=_("How do you know this person?"),
        help_text=_("For example: my uncle, a neighbour from my village."),
        max_length=100,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("What do you know?"),
        help_text=_("Their name, home town, family, or anything that helps the station check."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Tell the station what you know about this person."),
            "max_length": TOO_LONG,
        },
    )
    reporter_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name."), "max_length": TOO_LONG},
    )
    reporter_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("The station will call you back on this number."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Enter your phone number so that the station can call you back."),
            "max_length": TOO_LONG,
        },
    )
    consent_forwarding = forms.BooleanField(
        label=_(
            "I agree that what I write here, with my name and phone number, is passed to the "
            "rescue station holding this person."
        ),
        error_messages={
            "required": _("To send this, agree that it is passed to the rescue station.")
        },
    )
    website = honeypot_field()

    def clean_relationship(self) -> str:
        return " ".join(self.cleaned_data.get("relationship", "").split())

    def clean_reporter_name(self) -> str:
        name = " ".join(self.cleaned_data.get("reporter_name", "").split())
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_reporter_phone(self) -> str:
        # Required by the field itself: the station must be able to call back.
        return clean_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean_description(self) -> str:
        text = self.cleaned_data.get("description", "").strip()
        if not text:
            raise ValidationError(
                _("Tell the station what you know about this person."), code="required"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("This could not be sent. Please try again, or call the station's hotline."),
                code="honeypot",
            )
        return cleaned

    def to_submission(self, page) -> TipSubmission:
        data = self.cleaned_data
        with translation.override(settings.LANGUAGE_CODE):
            note = gettext("A lead about family-search notice %(number)s.") % {
                "number": page.notice_number
            }
        return TipSubmission(
            category=Category.OTHER,
            seen_at=timezone.now(),
            consent_forwarding=True,
            description=data["description"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_relationship=data.get("relationship", ""),
            station=page.station,
            related_notice=page,
            system_notes=[note],
        )
