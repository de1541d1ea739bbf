"""StreamField blocks shared by every content app."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text without headings: headings are blocks, so that tables of contents see them all.
INLINE_RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ul", "ol"]


def heading_anchor(text: str, block_id=None) -> str:
    """The `id` of a heading block: the slug of its text, or `section-<first 8 characters of
    the block id>` when the slug is empty (Django's slugify drops Chinese characters)."""
    anchor = slugify(text or "")
    if anchor:
        return anchor
    if block_id:
        return f"section-{str(block_id)[:8]}"
    return ""


def heading_anchors(stream) -> dict[str, str]:
    """Anchors of every heading block in ``stream``, by block id, unique within it: a heading
    whose anchor is already taken gets `-2`, `-3`… The first heading with a given text keeps
    the plain anchor, so existing links keep working."""
    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for child in stream or ():
        if child.block_type != "heading":
            continue
        base = heading_anchor(child.value.get("text"), child.id) or "section"
        anchor, number = base, 1
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        taken.add(anchor)
        if child.id:  # a block not yet saved (a preview) has no id to key it by
            anchors[str(child.id)] = anchor
    return anchors


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        block_id = context.get("id")
        # A page that renders a table of contents passes the anchors it used (de-duplicated
        # over the whole stream); anywhere else the heading computes its own.
        anchors = context.get("heading_anchors") or {}
        context["anchor"] = anchors.get(str(block_id)) or heading_anchor(
            value.get("text"), block_id
        )
        return context


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("description for screen readers"),
        max_length=250,
        help_text=_("Describe what the image shows. Required."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")


class DescribedImageBlock(ImageBlock):
    """An image that carries information (a chart, a flow diagram, a map): besides the short
    alternative text it has a long description, shown under the image for everyone and tied to
    it with aria-describedby, so that nothing is known only to those who can see it."""

    long_description = blocks.TextBlock(
        label=_("long description"),
        max_length=2000,
        help_text=_(
            "Say in words everything the image tells: each step of a diagram, the figures of a "
            "chart. Required; shown under the image."
        ),
    )

    class Meta:
        icon = "image"
        template = "blocks/described_image_block.html"
        label = _("Image with description")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        block_id = str(context.get("id") or id(value))
        context["description_id"] = f"image-description-{block_id[:8]}"
        return context


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("tone"),
        choices=[("info", _("Information")), ("warning", _("Important"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Callout")


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("answer"), features=INLINE_RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    """Frequently asked questions, rendered as questions and answers that are all visible
    (nothing hidden behind a click, so they print and are found by the browser's search)."""

    questions = blocks.ListBlock(FAQItemBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq_block.html"
        label = _("Frequently asked questions")


class ComparisonRowBlock(blocks.StructBlock):
    aspect = blocks.CharBlock(label=_("what is compared"), max_length=100)
    first = blocks.TextBlock(label=_("first column"), max_length=500)
    second = blocks.TextBlock(label=_("second column"), max_length=500)

    class Meta:
        label = _("Row")


class ComparisonTableBlock(blocks.StructBlock):
    """A two-column comparison (before and after, old and new arrangement) as a real table
    with a caption and row and column headers."""

    caption = blocks.CharBlock(
        label=_("caption"),
        max_length=200,
        help_text=_("What the table compares, e.g. “Before and after 2003”. Read out first."),
    )
    aspect_heading = blocks.CharBlock(label=_("heading of the first column"), max_length=50)
    first_heading = blocks.CharBlock(label=_("heading of the first compared column"), max_length=50)
    second_heading = blocks.CharBlock(
        label=_("heading of the second compared column"), max_length=50
    )
    rows = blocks.ListBlock(ComparisonRowBlock(), label=_("rows"), min_num=1)

    class Meta:
        icon = "table"
        template = "blocks/comparison_table_block.html"
        label = _("Comparison table")


def document_facts(document) -> dict:
    """Format and size of a Wagtail document, for a link that says what it opens:
    {"format": "PDF", "size": "12.3 KB"}. The size is Wagtail's stored `file_size` (read from
    storage once if missing), so listing documents does not touch the storage."""
    if document is None:
        return {"format": "", "size": ""}
    size = document.get_file_size()
    return {
        "format": (document.file_extension or "").upper(),
        "size": filesizeformat(size) if size is not None else "",
    }


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=200,
        help_text=_("Leave blank to use the document's title."),
    )
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        label = _("Document link")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context.update(document_facts(value.get("document")))
        return context


RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ul", "ol", "h3"]


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), icon="pilcrow", features=RICH_TEXT_FEATURES
    )
    image = ImageBlock()
    callout = CalloutBlock()
