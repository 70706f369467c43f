"""CME pages: certificates (to be written)."""

urlpatterns = []
