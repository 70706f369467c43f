"""`{% agenda_starred session=... presentation=... as starred %}`: whether the visitor starred an item.

The user's stars are read once per request (one query, none for visitors), however many buttons a page has.
"""

from django import template

from rostrum.programme import agenda

register = template.Library()


@register.simple_tag(takes_context=True)
def agenda_starred(context, session=None, presentation=None) -> bool:
    request = context.get("request")
    if request is None:
        return False
    keys = getattr(request, "_agenda_keys", None)
    if keys is None:
        keys = request._agenda_keys = agenda.agenda_keys(user=request.user)
    if presentation:
        return ("presentation", presentation.pk) in keys
    return session is not None and ("session", session.pk) in keys
