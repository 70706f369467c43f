"""CME pages: evaluation (to be written)."""

urlpatterns = []
