"""CME's pages: credits and claims (views/credits.py), evaluations (views/evaluation.py), certificates,
verification and transcripts (views/certificates.py)."""

from rostrum.cme.views import certificates, credits, evaluation

app_name = "cme"

urlpatterns = [*credits.urlpatterns, *evaluation.urlpatterns, *certificates.urlpatterns]
