"""How allauth behaves on Rostrum: signed in without a destination, a new member completes the profile."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        # Certificates print `certificate_name`; asking for it at the first sign-in (right after sign-up and
        # e-mail verification) keeps members from discovering a blank name on their first certificate.
        if not request.user.certificate_name:
            return reverse("accounts:profile")
        return super().get_login_redirect_url(request)
