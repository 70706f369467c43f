"""Forms of the programme's back office."""

import zoneinfo

from django import forms

from rostrum.programme.importers import IMPORTERS
from rostrum.programme.importers.agenda_text import DEFAULT_TIMEZONE, decode_agenda

FORMAT_LABELS = {
    "text": "Plain-text agenda (pasted below or uploaded)",
    "native": "Rostrum JSON file",
    "frab-xml": "frab schedule.xml file",
}


class ProgrammeImportForm(forms.Form):
    """What to import and where: a pasted agenda or a file, into an existing or a new event.

    On an event's own import page the event is fixed and the field is not shown.
    """

    format = forms.ChoiceField(
        choices=[(name, label) for name, label in FORMAT_LABELS.items() if name in IMPORTERS]
        + [(name, name) for name in IMPORTERS if name not in FORMAT_LABELS],
        initial="text",
    )
    text = forms.CharField(
        label="Agenda",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "class": "vLargeTextField"}),
        help_text="Paste the course page whole: prose and learning objectives may stay in.",
    )
    file = forms.FileField(
        required=False, help_text="A JSON, XML or text file; used instead of the box above."
    )
    event = forms.SlugField(
        label="Event slug",
        widget=forms.TextInput(attrs={"list": "event-slugs"}),
        help_text="An existing event, or a new slug: a new online course is created for it.",
    )
    title = forms.CharField(
        required=False, max_length=300, help_text="For a new event; empty: the agenda's first heading."
    )
    timezone = forms.ChoiceField(
        required=False,
        help_text=f"For times whose date line names no zone; empty: the event's, or {DEFAULT_TIMEZONE}.",
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", "---------")] + [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        if event is not None:
            self.fields["event"].initial = event.slug
            self.fields["event"].disabled = True
            self.fields["event"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text", "")
        if upload:
            data = upload.read()
            if cleaned.get("format") == "text":
                # The uploaded agenda moves into the text box, so the preview's Import button carries it.
                cleaned["text"] = decode_agenda(data)
                data = cleaned["text"].encode()
        elif cleaned.get("format") == "text" and text.strip():
            data = text.encode()
        elif cleaned.get("format") == "text":
            raise forms.ValidationError("Paste the agenda into the box or upload it as a file.")
        else:
            raise forms.ValidationError("Choose the file to import.")
        cleaned["data"] = data
        return cleaned

    @property
    def is_text(self) -> bool:
        return self.cleaned_data.get("format") == "text"
