"""The public tip form and the status lookup form.

Every rule is enforced here, on the server; the browser's own validation is switched off
(``novalidate``) so every visitor gets the same clear messages in their language.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import captcha
from portal.forms import (
    HONEYPOT_FIELD,
    INVALID_CHOICE,
    TOO_LONG,
    FastSelect,
    PublicForm,
    clean_phone,
    honeypot_field,
)
from portal.ratelimit import client_ip
from stations.forms import area_choices
from stations.models import Area

from .images import MAX_BYTES, clean_photo
from .images import MESSAGES as PHOTO_MESSAGES
from .intake import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    SECRET_CODE_DIGITS,
    TipSubmission,
    normalise_reference,
)
from .models import TipReport

SEEN_AT_FUTURE_SLACK = timedelta(minutes=10)
SEEN_AT_MAX_AGE = timedelta(days=30)
SEEN_AT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
LOCATION_UNUSABLE = _(
    "The location from your device could not be used. Choose the city and district instead."
)

CAPTCHA_NOTES = {
    captcha.WIDGET_NOT_LOADED: _(
        "The captcha did not load in the reporter's browser (no JavaScript or blocked)."
    ),
}


def text_field(label, max_length, help_text="", textarea=False, **attrs):
    widget = forms.Textarea(attrs={"rows": 4, **attrs}) if textarea else forms.TextInput(attrs)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=widget,
        error_messages={"max_length": TOO_LONG},
    )


def parse_coordinate(value: str, limit: int) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(LOCATION_UNUSABLE, code="bad_location") from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise ValidationError(LOCATION_UNUSABLE, code="bad_location")
    return number.quantize(Decimal("0.000001"))


class TipForm(PublicForm):
    category = forms.ChoiceField(
        label=_("What kind of help does the person seem to need?"),
        choices=TipReport.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of help the person seems to need."),
            "invalid_choice": _("Choose one of the listed kinds of help."),
        },
    )
    urgent = forms.BooleanField(
        label=_("The person seems to be in immediate danger"),
        required=False,
    )
    area = forms.ChoiceField(
        label=_("City and district or county"),
        help_text=_("Choose the city, then the district or county if you know it."),
        required=False,
        error_messages={"invalid_choice": _("Choose a city and district from the list.")},
        widget=FastSelect(attrs={"autocomplete": "off"}),
    )
    place_text = text_field(
        _("Where exactly?"),
        200,
        _("Street, building, bus stop, shop or another landmark nearby."),
        autocomplete="off",
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    location_accuracy = forms.CharField(required=False, widget=forms.HiddenInput)
    seen_at = forms.DateTimeField(
        label=_("When did you see the person?"),
        help_text=_("Date and time. Online reports must be about the last 30 days."),
        input_formats=SEEN_AT_FORMATS,
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
        error_messages={
            "required": _("Enter when you saw the person."),
            "invalid": _(
                "Enter the date and time when you saw the person, for example 2025-03-01 14:30."
            ),
        },
    )
    person_sex = forms.ChoiceField(
        label=_("Sex"),
        choices=TipReport.Sex.choices,
        required=False,
        initial=TipReport.Sex.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    person_age = forms.ChoiceField(
        label=_("Approximate age"),
        choices=TipReport.AgeGroup.choices,
        required=False,
        initial=TipReport.AgeGroup.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    clothing = text_field(
        _("Clothing"), 200, _("For example: dark blue coat, no shoes."), autocomplete="off"
    )
    appearance = text_field(
        _("Appearance"),
        300,
        _("Height, build, hair, anything that helps the outreach team recognise the person."),
        autocomplete="off",
    )
    description = text_field(
        _("What did you see?"),
        1000,
        _(
            "What is the person doing? Do they seem hurt, confused or lost? "
            "Did they say where they come from?"
        ),
        textarea=True,
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "Only if you can take one without putting anyone at risk. JPEG, PNG or WebP, at most "
            "10 MB. Location and camera data are removed from the photo."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "data-max-bytes": MAX_BYTES,
                "data-msg-too-large": PHOTO_MESSAGES["too_large"],
            }
        ),
        error_messages={"empty": _("The photo file is empty.")},
    )
    reporter_name = text_field(_("Your name"), 50, autocomplete="name")
    reporter_phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=30,
        help_text=_(
            "So that the station can call you back, for example if they cannot find the person."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": TOO_LONG},
    )
    consent_forwarding = forms.BooleanField(
        label=_(
            "I agree that this report, with any photo and contact details, is passed to the "
            "rescue station responsible for the area."
        ),
        error_messages={
            "required": _(
                "To send the report, agree that it is passed to the responsible rescue station."
            )
        },
    )
    # A honeypot: hidden from people (CSS, aria-hidden), filled only by robots.
    website = honeypot_field()

    optional_fields = (
        "person_sex",
        "person_age",
        "clothing",
        "appearance",
        "description",
        "photo",
        "reporter_name",
        "reporter_phone",
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices, self._areas = area_choices()
        self.fields["area"].choices = choices
        now = timezone.localtime().replace(second=0, microsecond=0)
        seen_at = self.fields["seen_at"]
        seen_at.initial = now
        seen_at.widget.attrs.update(
            {
                "min": (now - SEEN_AT_MAX_AGE).strftime("%Y-%m-%dT%H:%M"),
                "max": (now + SEEN_AT_FUTURE_SLACK).strftime("%Y-%m-%dT%H:%M"),
            }
        )
        if captcha.captcha_enabled():
            field = captcha.CaptchaField()
            field.remote_ip = client_ip(request) if request is not None else ""
            self.fields["captcha"] = field

    @property
    def captcha_field(self):
        return self.fields.get("captcha")

    def clean_area(self) -> Area | None:
        code = self.cleaned_data.get("area")
        return self._areas.get(code) if code else None

    def clean_latitude(self):
        return parse_coordinate(self.cleaned_data.get("latitude"), 90)

    def clean_longitude(self):
        return parse_coordinate(self.cleaned_data.get("longitude"), 180)

    def clean_location_accuracy(self) -> int | None:
        try:
            metres = float(self.cleaned_data.get("location_accuracy") or "")
        except ValueError:
            return None
        return round(metres) if 0 <= metres < 1_000_000 else None

    def clean_seen_at(self):
        seen_at = self.cleaned_data["seen_at"]
        now = timezone.now()
        if seen_at > now + SEEN_AT_FUTURE_SLACK:
            raise ValidationError(
                _("The time you saw the person cannot be in the future."), code="future"
            )
        if seen_at < now - SEEN_AT_MAX_AGE:
            raise ValidationError(
                _(
                    "Online reports must be about the last 30 days. For an older sighting, "
                    "please call the rescue station."
                ),
                code="too_old",
            )
        return seen_at

    def clean_person_sex(self):
        return self.cleaned_data.get("person_sex") or TipReport.Sex.UNKNOWN

    def clean_person_age(self):
        return self.cleaned_data.get("person_age") or TipReport.AgeGroup.UNKNOWN

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return clean_photo(upload) if upload else None

    def clean_reporter_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("The report could not be sent. Please try again, or call the 24-hour hotline."),
                code="honeypot",
            )
        if "latitude" in self._errors or "longitude" in self._errors:
            # Hidden inputs: report the problem where the visitor can act on it.
            for name in ("latitude", "longitude"):
                self._errors.pop(name, None)
                cleaned.pop(name, None)
            self.add_error("area", ValidationError(LOCATION_UNUSABLE, code="bad_location"))
            return cleaned
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("area", ValidationError(LOCATION_UNUSABLE, code="bad_location"))
            return cleaned
        has_location = latitude is not None
        if "area" in self._errors:
            return cleaned
        if not has_location and cleaned.get("area") is None:
            self.add_error(
                "area",
                ValidationError(
                    _("Choose the city and district, or use your location."), code="no_place"
                ),
            )
        elif (
            not has_location and not cleaned.get("place_text") and "place_text" not in self._errors
        ):
            self.add_error(
                "place_text",
                ValidationError(
                    _(
                        "Describe where the person is, for example the street and a landmark "
                        "nearby."
                    ),
                    code="no_place_text",
                ),
            )
        return cleaned

    def error_target(self, name, field, bound) -> str:
        return "captcha-field" if name == "captcha" else super().error_target(name, field, bound)

    def to_submission(self) -> TipSubmission:
        data = self.cleaned_data
        notes = []
        captcha_status = TipReport.CaptchaStatus.NOT_CONFIGURED
        field = self.captcha_field
        if field is not None:
            captcha_status = (
                TipReport.CaptchaStatus.VERIFIED
                if field.outcome == captcha.VERIFIED
                else TipReport.CaptchaStatus.UNVERIFIED
            )
        with translation.override(settings.LANGUAGE_CODE):
            if field is not None and field.reason in CAPTCHA_NOTES:
                notes.append(str(CAPTCHA_NOTES[field.reason]))
            if data.get("latitude") is not None and data.get("location_accuracy") is not None:
                notes.append(
                    gettext("Location from the reporter's device, accurate to about %(metres)d m.")
                    % {"metres": data["location_accuracy"]}
                )
        return TipSubmission(
            category=data["category"],
            seen_at=data["seen_at"],
            consent_forwarding=data["consent_forwarding"],
            urgency=(TipReport.Urgency.URGENT if data.get("urgent") else TipReport.Urgency.NORMAL),
            area=data.get("area"),
            place_text=data.get("place_text", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            person_sex=data["person_sex"],
            person_age=data["person_age"],
            clothing=data.get("clothing", ""),
            appearance=data.get("appearance", ""),
            description=data.get("description", ""),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            photo=data.get("photo"),
            captcha_status=captcha_status,
            system_notes=notes,
        )


class StatusForm(PublicForm):
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("As shown when you sent the report, for example 7K4M-Q2XZ."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter the reference number.")},
    )
    secret_code = forms.CharField(
        label=_("Secret code"),
        help_text=_("The 8-digit code shown with the reference number."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the secret code.")},
    )

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        chars = reference.replace("-", "")
        if len(chars) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in chars):
            raise ValidationError(
                _("A reference number has 8 letters and digits, for example 7K4M-Q2XZ."),
                code="bad_reference",
            )
        return reference

    def clean_secret_code(self) -> str:
        code = "".join(self.cleaned_data["secret_code"].split())
        if len(code) != SECRET_CODE_DIGITS or not code.isdigit():
            raise ValidationError(_("The secret code has 8 digits."), code="bad_code")
        return code
