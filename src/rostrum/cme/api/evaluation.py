"""CME API: evaluation (to be written)."""

urlpatterns = []
