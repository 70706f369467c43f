"""CME's data, one module per entity: accreditations and credit adjustments, evaluations, certificates."""

from rostrum.cme.models.accreditation import Accreditation, CreditAdjustment
from rostrum.cme.models.certificate import Certificate, CertificateVersion
from rostrum.cme.models.evaluation import Answer, EvaluationResponse, Question, Questionnaire

__all__ = [
    "Accreditation",
    "Answer",
    "Certificate",
    "CertificateVersion",
    "CreditAdjustment",
    "EvaluationResponse",
    "Question",
    "Questionnaire",
]
