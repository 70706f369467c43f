"""The player pages (views/public.py): /events/<event>/sessions/<session>/watch/ and /watch/media/<token>/."""

from rostrum.streaming.views import public

app_name = "streaming"

urlpatterns = [*public.urlpatterns]
