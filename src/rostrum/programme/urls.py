from django.urls import path

from rostrum.programme.views import public

app_name = "programme"

urlpatterns = [
    path("", public.front_page, name="front"),
    path("session-types/", public.session_type_list, name="session-types"),
    path("session-types/<slug:slug>/", public.session_type_detail, name="session-type"),
    path("events/<slug:event>/", public.programme, name="event"),
    path("events/<slug:event>/people/", public.person_list, name="people"),
    path("events/<slug:event>/people/<slug:code>/", public.person_detail, name="person"),
    path("events/<slug:event>/sessions/<slug:session>/", public.session_detail, name="session"),
]
