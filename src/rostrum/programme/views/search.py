"""search pages."""

urlpatterns = []
