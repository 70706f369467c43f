"""agenda API."""

urlpatterns = []
