"""The private record of a notice (health notes, escorting unit): who may open it, the admin
view that shows and edits it, and the helper that writes it.

Only the notice's holding station's members and the coordinators (stations.access) may open
it, whatever page permissions they hold; anyone else gets a 404, so the URL does not even say
whether a record exists. Every opening and every change is written to the audit log. The record
is not part of the page, so page revisions, previews, compare views and the search index never
carry it (docs/architecture.md, "Notices"; SECURITY.md, data classification).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from stations.access import is_coordinator, member_station_ids

from .models import FamilySearchNoticePage, NoticePrivateRecord

VIEWED_LOG_ACTION = "guitu.notice.private_viewed"
CHANGED_LOG_ACTION = "guitu.notice.private_changed"


def may_see_private(user, page) -> bool:
    """The holding station's members and the coordinators; nobody else."""
    if is_coordinator(user):
        return True
    return page.station_id is not None and page.station_id in member_station_ids(user)


def set_private_record(page, *, user=None, **values) -> NoticePrivateRecord:
    """Create or update ``page``'s private record with ``values`` (PRIVATE_FIELDS)."""
    record, _created = NoticePrivateRecord.objects.get_or_create(page=page)
    for name, value in values.items():
        setattr(record, name, value)
    record.updated_by = user
    record.save()
    return record


class PrivateRecordForm(forms.ModelForm):
    class Meta:
        model = NoticePrivateRecord
        fields = ["escorting_unit", "health_notes"]
        widgets = {"health_notes": forms.Textarea(attrs={"rows": 6})}


class PrivateRecordView(WagtailAdminTemplateMixin, FormView):
    template_name = "notices/admin/private_record.html"
    form_class = PrivateRecordForm
    header_icon = "lock"
    page_title = gettext_lazy("Private record")

    def dispatch(self, request, *args, **kwargs):
        self.page = get_object_or_404(
            FamilySearchNoticePage.objects.select_related("station"), pk=kwargs["page_id"]
        )
        if not may_see_private(request.user, self.page):
            raise Http404
        self.record = NoticePrivateRecord.objects.filter(page=self.page).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.page.title} · {self.page.notice_number}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.record or NoticePrivateRecord(page=self.page)
        return kwargs

    def get(self, request, *args, **kwargs):
        log(instance=self.page, action=VIEWED_LOG_ACTION, user=request.user)
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        with transaction.atomic():
            record = form.save(commit=False)
            record.updated_by = self.request.user
            record.save()
            log(
                instance=self.page,
                action=CHANGED_LOG_ACTION,
                user=self.request.user,
                data={"fields": sorted(form.changed_data)},
            )
        messages.success(self.request, _("The private record was saved."))
        return redirect(reverse("notices_private_record", args=[self.page.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            notice=self.page,
            record=self.record,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
        )
        return context
