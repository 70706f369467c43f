"""staff pages."""

urlpatterns = []
