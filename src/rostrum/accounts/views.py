"""The member's own account pages: profile, data download and deletion."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rostrum.accounts import selectors, services
from rostrum.accounts.forms import AccountDeleteForm, ProfileForm
from rostrum.accounts.models import User
from rostrum.accounts.services import PROFILE_FIELDS
from rostrum.core.errors import RostrumError


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    # A ModelForm writes its cleaned values onto its instance while validating; it gets its own copy of the
    # user so that the service still sees the stored values and knows what changed.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(
            request.user, by=request.user, **{name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        )
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def data_download(request):
    data = selectors.user_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str), content_type="application/json"
    )
    filename = f"rostrum-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_account_delete(request.user, by=request.user)
        except RostrumError as error:
            # A higher app refused to let go of a row (an order paid this very moment): nothing was deleted.
            form.add_error(None, error.message)
            return render(request, "accounts/delete.html", {"form": form})
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for having been with us.")
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})
