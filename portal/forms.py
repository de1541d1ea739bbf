"""Pieces shared by every public form (tips, leads, registrations, filters).

Every rule is enforced on the server; templates switch the browser's own validation off
(``novalidate``) so every visitor gets the same clear messages in their language. The matching
templates are in ``portal/templates/includes/forms/``.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .text import plain_line, plain_text

# A field only robots fill in: out of sight and out of the tab order (see site.css).
HONEYPOT_FIELD = "website"

TOO_LONG = _("Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d).")
INVALID_CHOICE = _("Choose one of the listed options.")

PHONE_CHARACTERS = re.compile(r"^\+?[0-9][0-9 \-]*$")
PHONE_DIGITS = (5, 20)


def clean_phone(value: str) -> str:
    """A phone number as a member of the public types it: an optional leading +, digits,
    spaces and hyphens, 5 to 20 digits. Blank stays blank (callers decide if it is required)."""
    phone = " ".join((value or "").split())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_CHARACTERS.match(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number of 5 to 20 digits, using only digits, spaces, + and -."),
            code="bad_phone",
        )
    return phone


def honeypot_field() -> forms.CharField:
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class PlainTextMixin:
    """Removes invisible characters that reorder or hide text (portal.text) from everything a
    bound form receives, before any field validates it: a single-line input loses every
    invisible format character, a textarea its bidirectional controls. Values a person does not
    type (hidden tokens, choices) lose them too, which changes nothing a valid one holds.

    Every public form gets this through ``PublicForm``. An admin form mixes it in and names
    the fields it cleans in ``plain_text_fields`` (its rich text and StreamField data, sent as
    hidden inputs, stay as the editor wrote them)."""

    plain_text_fields: tuple[str, ...] | None = None  # None: every field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data:
            self.data = self._plain_data(self.data)

    def _plain_data(self, data):
        chosen = self.plain_text_fields
        fields = {
            self.add_prefix(name): field
            for name, field in self.fields.items()
            if chosen is None or name in chosen
        }

        def clean(key, value):
            if not isinstance(value, str) or (chosen is not None and key not in fields):
                return value
            if key in fields and not isinstance(fields[key].widget, forms.Textarea):
                return plain_line(value)
            return plain_text(value)

        if hasattr(data, "lists"):  # a QueryDict or MultiValueDict
            plain = data.copy()
            for key, values in data.lists():
                plain.setlist(key, [clean(key, value) for value in values])
            return plain
        return {
            key: [clean(key, item) for item in value]
            if isinstance(value, list | tuple)
            else clean(key, value)
            for key, value in data.items()
        }


class ErrorSummaryMixin:
    """``form.error_summary()``: the errors in form order, each with the id of the input to
    jump to, for ``includes/forms/error_summary.html``. Form-wide errors come first."""

    def error_summary(self) -> list[dict]:
        items = [{"href": "", "message": message} for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            items += [
                {"href": f"#{self.error_target(name, field, bound)}", "message": message}
                for message in bound.errors
            ]
        return items

    def error_target(self, name, field, bound) -> str:
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{bound.auto_id}_0"
        return bound.id_for_label


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's widgets/attrs.html renders them, escaped."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        )
    return "".join(parts)


class FastSelect(forms.Select):
    """Django's Select, rendered in Python instead of one template per option: the same HTML,
    for long lists (the 126 administrative areas) on pages that must stay fast."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        attributes = mark_safe(_attributes(widget["attrs"]))  # noqa: S308  (escaped above)
        out = [format_html('<select name="{}"{}>', widget["name"], attributes)]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                out.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        mark_safe(_attributes(option["attrs"])),  # noqa: S308  (escaped)
                        option["label"],
                    )
                )
            if group_name:
                out.append(mark_safe("\n  </optgroup>"))
        out.append(mark_safe("\n</select>"))
        return mark_safe("".join(out))  # noqa: S308


class PublicForm(PlainTextMixin, ErrorSummaryMixin, forms.Form):
    """The base of every form the public fills in: invisible format characters removed
    (PlainTextMixin) and an error summary (ErrorSummaryMixin)."""
