"""The programme's part of /api/v1/: each module adds its own routes."""

from rostrum.programme.api import agenda, programme, search

urlpatterns = [*programme.urlpatterns, *search.urlpatterns, *agenda.urlpatterns]
