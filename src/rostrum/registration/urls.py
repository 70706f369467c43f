"""Registration pages: the buyer's (views/public.py) under /events/<slug>/registration/, /registration/ and
/account/; staff pages (views/staff.py) under /staff/registration/; invoice downloads (views/invoices.py)
under /account/invoices/."""

from rostrum.registration.views import invoices, public, staff

app_name = "registration"

urlpatterns = [
    *public.urlpatterns,
    *staff.urlpatterns,
    *invoices.urlpatterns,
]
