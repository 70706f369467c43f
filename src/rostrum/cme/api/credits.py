"""CME API: credits (to be written)."""

urlpatterns = []
