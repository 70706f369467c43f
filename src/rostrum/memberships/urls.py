"""Membership pages: /memberships/ (types, joining, proofs) and /account/memberships/ (the member's own)."""

from rostrum.memberships import views

app_name = "memberships"

urlpatterns = views.urlpatterns
