"""agenda pages."""

urlpatterns = []
