"""The public registration form for one venue."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import HONEYPOT_FIELD, TOO_LONG, PublicForm, clean_phone, honeypot_field

from .models import MAX_PARTY

PARTY_CHOICES = [(str(n), str(n)) for n in range(1, MAX_PARTY + 1)]


class RegistrationForm(PublicForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        help_text=_("The station checks it at the door with your identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name."), "max_length": TOO_LONG},
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("The station calls this number only if the open day changes."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Enter your phone number."),
            "max_length": TOO_LONG,
        },
    )
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        max_length=254,
        help_text=_(
            "For your confirmation with a calendar file, a reminder the day before and news of "
            "any change. Without it, keep the confirmation page."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "invalid": _("Enter an email address such as name@example.com, or leave it empty."),
            "max_length": TOO_LONG,
        },
    )
    party_size = forms.TypedChoiceField(
        label=_("How many people are coming, including you?"),
        choices=PARTY_CHOICES,
        coerce=int,
        initial="1",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how many people are coming."),
            "invalid_choice": _(
                "Choose between 1 and 5 people. For larger groups, call the venue."
            ),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the station keeps my name and phone number (and email, if given) to "
            "manage this visit, and deletes them after the open day."
        ),
        error_messages={"required": _("To register, agree to how your details are used.")},
    )
    website = honeypot_field()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data.get("name", "").split())
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("This could not be sent. Please try again, or call the venue."),
                code="honeypot",
            )
        return cleaned
