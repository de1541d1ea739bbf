"""portal.forms.FastSelect renders what Django's Select renders (but for the white space
between tags), escaped the same."""

import re

from django import forms

import pytest

from portal.forms import FastSelect

CHOICES = [
    ("", "Choose"),
    ("南宁市", [("450100", "南宁市（全市）"), ("450102", "兴宁区")]),
    ("<b>", [("x\"'<", "a & b <i>")]),
    ("450200", "柳州市"),
]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "450102", "x\"'<", "nonexistent"])
def test_the_html_is_the_same_as_djangos(value):
    attrs = {
        "id": "id_area",
        "aria-describedby": "id_area_helptext",
        "autocomplete": "off",
        "required": True,
        "disabled": False,
    }
    django = forms.Select(attrs=attrs, choices=CHOICES).render("area", value)
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("area", value)
    assert squeeze(fast) == squeeze(django)
    assert "<option" in fast


def test_a_bound_field_keeps_its_aria_attributes():
    class Form(forms.Form):
        area = forms.ChoiceField(choices=CHOICES, widget=FastSelect, help_text="hint")

    form = Form({"area": "bad"})
    assert not form.is_valid()
    html = str(form["area"])
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_area_helptext' in html
    assert "&lt;b&gt;" in html and "a &amp; b &lt;i&gt;" in html
