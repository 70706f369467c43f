"""Forms of the membership pages: the application with its proof, and staff's reason for a rejection."""

from pathlib import Path

from django import forms

# Scans and photos of a student card or a training letter; nothing a browser would run.
PROOF_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
PROOF_MAX_BYTES = 10 * 1024 * 1024


class JoinForm(forms.Form):
    proof = forms.FileField(
        required=False,
        label="Proof document",
        help_text="A PDF, JPEG or PNG file of at most 10 MB. Only you and the society's staff can see it.",
    )

    def __init__(self, *args, membership_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership_type = membership_type
        if membership_type.requires_proof:
            self.fields["proof"].required = True
            if membership_type.proof_label:
                self.fields["proof"].label = f"Upload {membership_type.proof_label}"
        else:
            del self.fields["proof"]

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        if proof:
            if Path(proof.name).suffix.lower() not in PROOF_EXTENSIONS:
                raise forms.ValidationError("Please upload a PDF, JPEG or PNG file.")
            if proof.size > PROOF_MAX_BYTES:
                raise forms.ValidationError("The file is larger than 10 MB; please upload a smaller scan.")
        return proof


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The member reads this in an e-mail and on their membership page.",
    )
