"""The forms behind the queue's action buttons: one per workflow action, each turning its POST
into the keyword arguments of ``workflow.perform``. They check shape only (lengths, choices);
whether the action is legal is the state machine's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainTextMixin
from stations.models import Station

from .models import TipReport
from .workflow import Action, colleagues

NOTE_MAX = 1000


def note_field(label=None, required=False):
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(PlainTextMixin, forms.Form):
    """An action with an optional note."""

    note = note_field()

    def __init__(self, *args, tip: TipReport, user, **kwargs):
        self.tip = tip
        self.user = user
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return dict(self.cleaned_data)


class AssignForm(ActionForm):
    note = None
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues(self.tip)
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    @property
    def user_is_colleague(self) -> bool:
        return any(user.pk == self.user.pk for user in self.fields["assignee"].queryset)


class ResolveForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TipReport.Outcome.choices)
    field_order = ["outcome", "note"]


class CloseForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[
            choice
            for choice in TipReport.CloseReason.choices
            if choice[0] != TipReport.CloseReason.DUPLICATE
        ],
    )
    field_order = ["reason", "note"]


class TransferForm(ActionForm):
    station = forms.ModelChoiceField(label=_("Transfer to"), queryset=None)
    note = note_field(_("Reason for the transfer"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = (
            Station.objects.active().exclude(pk=self.tip.station_id).order_by("code")
        )


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=_("Reference number of the original tip"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["original", "note"]


class ReopenForm(ActionForm):
    note = note_field(_("Reason for reopening"), required=True)


FORMS: dict[Action, type[ActionForm]] = {
    Action.ACKNOWLEDGE: ActionForm,
    Action.ASSIGN: AssignForm,
    Action.DISPATCH: ActionForm,
    Action.RESOLVE: ResolveForm,
    Action.CLOSE: CloseForm,
    Action.TRANSFER: TransferForm,
    Action.MARK_DUPLICATE: DuplicateForm,
    Action.REOPEN: ReopenForm,
}
