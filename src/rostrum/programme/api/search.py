"""GET /api/v1/search/?q=...&event=<slug>&page=N: the search of the pages, as JSON, 20 results a page."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from rostrum.programme import selectors
from rostrum.programme.api.programme import NOT_FOUND
from rostrum.programme.search import KINDS
from rostrum.programme.views.search import PER_PAGE, page_number


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    title = serializers.CharField()
    snippet = serializers.CharField(source="snippet_text", help_text="Plain text around the matched words.")
    event = serializers.CharField(source="event_slug", help_text="The event's slug.")
    url = serializers.SerializerMethodField(help_text="The public page of the result.")
    starts_at = serializers.DateTimeField(allow_null=True, help_text="In the event's time zone.")

    def get_url(self, hit) -> str:
        return self.context["request"].build_absolute_uri(hit.url)


class SearchApi(APIView):
    """Ranked results across sessions, presentations, people and topics of published events."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["programme"],
        summary="Search the programme",
        parameters=[
            OpenApiParameter("q", str, description="Words to find; the last may be just its beginning."),
            OpenApiParameter("event", str, description="Only this event (its slug)."),
            OpenApiParameter("page", int, description="Page number, 20 results a page."),
        ],
        responses={
            200: inline_serializer(
                "SearchResults",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": SearchHitSerializer(many=True),
                },
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        event_slug = request.query_params.get("event", "")
        event = selectors.event_get(slug=event_slug) if event_slug else None
        page = page_number(request.query_params.get("page"))
        found = selectors.search(
            q=request.query_params.get("q", "")[:200],
            event=event,
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
        )
        url = request.build_absolute_uri()
        return Response(
            {
                "count": found.total,
                "next": replace_query_param(url, "page", page + 1) if page * PER_PAGE < found.total else None,
                "previous": replace_query_param(url, "page", page - 1) if page > 1 else None,
                "results": SearchHitSerializer(found.hits, many=True, context={"request": request}).data,
            }
        )


urlpatterns = [path("search/", SearchApi.as_view(), name="search")]
