"""Forms of the member's own account pages."""

from django import forms

from rostrum.accounts.enums import Profession
from rostrum.accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["certificate_name", "first_name", "last_name", "profession", "country", "institution"]
        labels = {
            "certificate_name": "Name on certificates",
            "first_name": "First name",
            "last_name": "Family name",
        }
        help_texts = {
            "certificate_name": (
                "Exactly as it must appear on your CME certificates, with titles, accents and capitals, "
                "e.g. “Dr. Anna-Lena Müller”. Certificates print this and nothing else, and accrediting "
                "bodies may compare it with your professional registration."
            ),
            "institution": "The hospital, university or practice you work for.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_name"].required = True
        self.fields["profession"].choices = [("", "Choose your profession"), *Profession.choices]
        self.fields["country"].choices = [
            ("", "Choose your country"),
            *list(self.fields["country"].choices)[1:],
        ]
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["institution"].widget.attrs["autocomplete"] = "organization"


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(
        label="I understand that my account and my personal programme are deleted and cannot be restored."
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password.")
        return password
