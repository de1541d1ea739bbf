"""Admin forms for stations."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from portal.forms import PlainTextMixin

from .models import Area


def area_choices_by_city(areas, *, whole_area_label=True):
    """Choices for every area: the province first, then each city with its counties as a group.

    ``areas`` must be ordered by code and have their parents selected.
    """
    top: list = []
    groups: dict[int, tuple[str, list]] = {}
    for area in areas:
        if area.level == Area.Level.PROVINCE:
            label = _("%(area)s (whole region)") % {"area": area.name}
            top.append((area.pk, label if whole_area_label else area.name))
        elif area.level == Area.Level.CITY:
            label = _("%(area)s (whole city)") % {"area": area.name}
            label = label if whole_area_label else area.name
            groups.setdefault(area.pk, (area.name, []))[1].insert(0, (area.pk, label))
        elif area.level == Area.Level.COUNTY and area.parent_id is not None:
            groups.setdefault(area.parent_id, (area.parent.name, []))[1].append(
                (area.pk, area.name)
            )
    return [*top, *groups.values()]


_city_and_county_rows: list[Area] | None = None


def _cities_and_counties() -> list[Area]:
    """The city and county rows, read once per process: every public form with an area select
    needs them, and they change only when an editor corrects a name (which clears this copy,
    see StationsConfig.ready)."""
    global _city_and_county_rows
    if _city_and_county_rows is None:
        _city_and_county_rows = list(
            Area.objects.filter(level__in=[Area.Level.CITY, Area.Level.COUNTY])
            .order_by("code")
            .select_related("parent")
        )
    return _city_and_county_rows


def forget_areas(**kwargs) -> None:
    global _city_and_county_rows
    _city_and_county_rows = None


def area_choices() -> tuple[list, dict[str, Area]]:
    """Grouped choices, one group per city: the city itself ("whole city or not sure"), then
    its county-level divisions. Also returns the areas by code for cleaning."""
    areas = _cities_and_counties()
    cities = {area.pk: area for area in areas if area.level == Area.Level.CITY}
    groups: dict[int, list] = {
        pk: [
            (
                city.code,
                gettext("%(city)s (whole city, or not sure of the district)") % {"city": city.name},
            )
        ]
        for pk, city in cities.items()
    }
    for area in areas:
        if area.level == Area.Level.COUNTY and area.parent_id in groups:
            groups[area.parent_id].append((area.code, area.name))
    choices = [("", _("Choose a city and district"))]
    choices += [(cities[pk].name, options) for pk, options in groups.items()]
    return choices, {area.code: area for area in areas}


class StationAdminForm(PlainTextMixin, WagtailAdminModelForm):
    """The station form: areas grouped by city, and a write-only webhook secret.

    The secret is never sent back to the browser. Leaving the field blank keeps the stored
    secret; removing the webhook URL removes the secret too.
    """

    plain_text_fields = ("name", "name_en", "address", "phone", "hotline", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = list(Area.objects.select_related("parent").order_by("code"))
        if "area" in self.fields:
            self.fields["area"].choices = [
                ("", "---------"),
                *area_choices_by_city(areas, whole_area_label=False),
            ]
        if "jurisdiction" in self.fields:
            self.fields["jurisdiction"].choices = area_choices_by_city(areas)
        if "webhook_secret" in self.fields:
            field = self.fields["webhook_secret"]
            field.widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            if self.instance.pk and self.instance.webhook_secret:
                field.help_text = _(
                    "A secret is stored. Leave this blank to keep it, or enter a new one to "
                    "replace it. Removing the webhook URL removes the secret."
                )
            else:
                field.help_text = _(
                    "Needed when a webhook URL is given. Share it only with the receiving system."
                )

    def clean_webhook_secret(self):
        secret = self.cleaned_data.get("webhook_secret", "")
        if not secret and self.instance.pk:
            return self.instance.webhook_secret
        return secret

    def clean(self):
        cleaned_data = super().clean()
        url_removed = "webhook_url" in self.fields and not cleaned_data.get("webhook_url")
        if url_removed and "webhook_url" not in self.errors:
            cleaned_data["webhook_secret"] = ""
        return cleaned_data
