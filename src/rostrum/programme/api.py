"""Read API of the programme under /api/v1/ (filled in by the API work)."""

urlpatterns = []
