"""exports pages."""

urlpatterns = []
