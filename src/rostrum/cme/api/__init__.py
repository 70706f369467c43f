"""CME's part of /api/v1/, one module per area."""

from rostrum.cme.api import certificates, credits, evaluation

urlpatterns = [*credits.urlpatterns, *evaluation.urlpatterns, *certificates.urlpatterns]
