"""CME pages: credits (to be written)."""

urlpatterns = []
