from django.conf import settings


def site(request):
    return {"site_name": settings.ROSTRUM_SITE_NAME, "society_name": settings.ROSTRUM_SOCIETY_NAME}
