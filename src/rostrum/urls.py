from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from rostrum.cme import api as cme_api
from rostrum.programme import api as programme_api
from rostrum.registration import api as registration_api
from rostrum.streaming import api as streaming_api

# ReDoc styles itself with <style> elements it adds at run time (they carry this page's nonce) and runs its
# search in a worker it builds from a blob; the rest of the site's policy holds.
REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": [*settings.SECURE_CSP["style-src"], CSP.NONCE],
    "worker-src": [CSP.SELF, "blob:"],
}


def api_not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


api_patterns = [
    *programme_api.urlpatterns,
    *registration_api.urlpatterns,
    *streaming_api.urlpatterns,
    *cme_api.urlpatterns,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    # Last: a URL no route takes (an event "slug" with spaces or accents) still answers JSON, as documented.
    # Only paths ending in "/", so that /api/v1/events still redirects to /api/v1/events/; [\s\S] as a slug
    # may hold a newline, which "." does not match.
    re_path(r"^(?:[\s\S]*/)?$", api_not_found, name="not-found"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("rostrum.accounts.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("", include("rostrum.memberships.urls")),
    path("", include("rostrum.registration.urls")),
    path("", include("rostrum.streaming.urls")),
    path("", include("rostrum.cme.urls")),
    path("", include("rostrum.programme.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
