"""programme API."""

urlpatterns = []
