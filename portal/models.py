"""Site-wide settings that editors control in the admin (设置 → 站点设置), and the one-time
invitations through which staff set up two-step verification."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{3,30}$",
    _("Enter a phone number using digits, spaces, +, - or brackets."),
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact numbers and footer text shown on every page.

    Provincial editors keep these current: the 24-hour hotline and emergency numbers appear in
    the header of every page, so a wrong number here is a safety problem.
    """

    hotline = models.CharField(
        _("24-hour rescue hotline"),
        max_length=30,
        default="0771-0000000",
        validators=[phone_validator],
        help_text=_("Shown on every page as a tap-to-call link."),
    )
    police_number = models.CharField(
        _("police number"), max_length=10, default="110", validators=[phone_validator]
    )
    ambulance_number = models.CharField(
        _("ambulance number"), max_length=10, default="120", validators=[phone_validator]
    )
    citizen_service_number = models.CharField(
        _("citizen service hotline"), max_length=10, default="12345", validators=[phone_validator]
    )
    organisation_name = models.CharField(
        _("organisation name (Chinese)"), max_length=100, default="广西壮族自治区民政厅"
    )
    organisation_name_en = models.CharField(
        _("organisation name (English)"),
        max_length=100,
        blank=True,
        default="Department of Civil Affairs of Guangxi Zhuang Autonomous Region",
    )
    footer_text = models.TextField(_("footer text (Chinese)"), blank=True)
    footer_text_en = models.TextField(_("footer text (English)"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("hotline"),
                FieldPanel("police_number"),
                FieldPanel("ambulance_number"),
                FieldPanel("citizen_service_number"),
            ],
            heading=_("Phone numbers"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("organisation_name_en"),
                FieldPanel("footer_text"),
                FieldPanel("footer_text_en"),
                FieldPanel("privacy_page"),
            ],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def _localised(self, field: str) -> str:
        zh = getattr(self, field)
        if (get_language() or "").startswith("en"):
            return getattr(self, f"{field}_en") or zh
        return zh

    @property
    def localised_organisation_name(self) -> str:
        return self._localised("organisation_name")

    @property
    def localised_footer_text(self) -> str:
        return self._localised("footer_text")


class TwoFactorInvitation(models.Model):
    """A one-time link that lets one staff account set up its authenticator app.

    Two-step verification is set up only through an invitation, never at a first password
    sign-in, so whoever learns a not-yet-enrolled account's password cannot enrol their own
    phone. A coordinator or superuser issues it in the admin (两步验证 → 工作人员) or an operator
    with ``manage.py invite_two_factor``; nobody edits it. Only a hash of the token is kept; it
    expires, works once, only for its own account, and a newer invitation revokes older ones.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="two_factor_invitations",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-step verification invitation")
        verbose_name_plural = _("two-step verification invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
