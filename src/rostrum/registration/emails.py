"""E-mails of registration: one template pair per message, registration/email/<name>_{subject,body}.txt.

Callers send inside their transaction: when the mail server fails, the change rolls back and can be tried
again, rather than recording a step the buyer was never told about.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def registration_mail(template: str, *, to: str, **context) -> None:
    """Render registration/email/<template>_subject.txt and _body.txt with `context` and send them to `to`.

    Every template also gets site_name, society_name and base_url (for links).
    """
    context = {
        "site_name": settings.ROSTRUM_SITE_NAME,
        "society_name": settings.ROSTRUM_SOCIETY_NAME,
        "base_url": settings.ROSTRUM_BASE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"registration/email/{template}_subject.txt", context).split())
    body = render_to_string(f"registration/email/{template}_body.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
