"""search API."""

urlpatterns = []
