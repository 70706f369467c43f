"""CME API: certificates (to be written)."""

urlpatterns = []
