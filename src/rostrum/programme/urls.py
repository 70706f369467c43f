"""Public and staff pages of the programme; each views module lists its own routes."""

from rostrum.programme.views import agenda, exports, public, search, staff

app_name = "programme"

urlpatterns = [
    *exports.urlpatterns,
    *staff.urlpatterns,
    *search.urlpatterns,
    *agenda.urlpatterns,
    *public.urlpatterns,
]
