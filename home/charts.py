"""Server-rendered SVG charts for /statistics/, drawn with pygal and made safe to inline.

pygal always writes a ``<style>`` element, a configuration ``<script>``, comments and a few
``style`` attributes into its SVG. The public pages' Content-Security-Policy allows no inline
style or script at all, so ``clean_svg`` removes them (and every ``<desc>``, the tooltips'
data): what is left is shapes, text and pygal's class names, which static/css/site.css styles
(``.stat-chart``). The chart then gets ``role="img"`` and a ``<title>`` it is labelled by; the
same figures are in an HTML table beside it.

Masked counts ("<5") are plotted as no bar: the SVG carries no exact small value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe

import pygal
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# Bar colours with at least 3:1 contrast against the white plot (WCAG 1.4.11), in the order of
# the tip categories. Kept in step with the .stat-chart .color-N rules in site.css.
COLOURS = ("#0b4f6c", "#a4161a", "#2e6b30", "#6a3d9a", "#8a5300")

DROPPED_TAGS = {"style", "script", "desc"}


def _style() -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1a1f24",
        foreground_strong="#1a1f24",
        foreground_subtle="#4a5560",
        colors=COLOURS,
        font_family="inherit",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        title_font_size=16,
        opacity="1",
        opacity_hover="1",
    )


def _config(**extra) -> dict:
    return {
        "js": [],
        "css": [],
        "style": _style(),
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 480,
        "height": 420,
        "margin": 8,
        "spacing": 8,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1,
        "truncate_legend": -1,
        "truncate_label": -1,
        "show_minor_x_labels": True,
        "x_label_rotation": 45,
        "min_scale": 4,
        "max_scale": 6,
        "print_zeroes": False,
        "tooltip_fancy_mode": False,
        **extra,
    }


def _empty_bar(element) -> bool:
    """A bar of height 0: what pygal draws for a masked or missing value in a stacked chart."""
    if "bar" not in element.get("class", "").split():
        return False
    rect = element.find(f"{{{SVG_NS}}}rect")
    try:
        return rect is None or float(rect.get("height", "0")) == 0
    except ValueError:
        return False


def clean_svg(svg: str, *, chart_id: str, title: str, description: str = "") -> SafeString:
    """The SVG without style, script, comments or descriptions, labelled for assistive
    technology: ``role="img"`` and ``aria-labelledby`` pointing at its first ``<title>``."""
    root = ET.fromstring(svg)  # noqa: S314 (pygal output, not user input)
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str):  # comments, processing instructions
                parent.remove(child)
                continue
            local = child.tag.rsplit("}", 1)[-1]
            if local in DROPPED_TAGS or local == "title" or _empty_bar(child):
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)
        for name in [n for n in element.attrib if n.endswith("href")]:
            element.attrib.pop(name)
    title_id = f"{chart_id}-title"
    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("focusable", "false")
    root.set("class", "stat-chart__svg pygal-chart")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title_element.text = title + (f" {description}" if description else "")
    root.insert(0, title_element)
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308 (ElementTree escaped every label)


def stacked_bar(*, chart_id: str, title: str, x_labels, series) -> SafeString:
    """A stacked bar chart; ``series`` is (label, values) with None for a masked count."""
    chart = pygal.StackedBar(**_config())
    chart.x_labels = list(x_labels)
    for label, values in series:
        chart.add(label, list(values))
    return clean_svg(chart.render(is_unicode=True), chart_id=chart_id, title=title)


def bar(*, chart_id: str, title: str, x_labels, label: str, values) -> SafeString:
    chart = pygal.Bar(**_config(show_legend=False))
    chart.x_labels = list(x_labels)
    chart.add(label, list(values))
    return clean_svg(chart.render(is_unicode=True), chart_id=chart_id, title=title)
