"""Registration's part of /api/v1/: products with the visitor's own price, a buyer's own orders, entitlements
and access, and the staff's orders with their actions.

- GET products/?event=<slug>: anyone; the price is the signed-in buyer's own (the price for everyone when
  signed out).
- GET, POST me/orders/; GET me/orders/<code>/; GET me/entitlements/; GET me/access/?event=&session=: the
  signed-in user's own rows only (another person's order answers 404, as an unknown one).
- GET staff/orders/, GET staff/orders/<code>/, POST staff/orders/<code>/mark-paid/ | refund/ | cancel/: staff
  with the permission to view (to change, for the actions) orders.

Session authentication as the rest of the API: a POST carries the CSRF token in X-CSRFToken. Lists are
paginated (`?page=`, 50 a page) and cost a fixed number of queries. A broken rule, or input the API cannot
take, answers 400 `{"detail": message, "field": input or null}`.
"""

from django.db.models import prefetch_related_objects
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rostrum.programme import selectors as programme_selectors
from rostrum.registration import listings, selectors, services
from rostrum.registration.errors import RegistrationError
from rostrum.registration.serializers import (
    AccessQuerySerializer,
    AccessSerializer,
    BuyerSerializer,
    CancelSerializer,
    EntitlementSerializer,
    ErrorSerializer,
    MarkPaidSerializer,
    OrderPlaceSerializer,
    OrderSerializer,
    ProductFilterSerializer,
    QuoteSerializer,
    RefundSerializer,
    StaffOrderFilterSerializer,
)


def first_error(errors, path: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The first message of a serializer's errors and the dotted input it is about ("buyer.country")."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if value:
                inner = path if key in ("non_field_errors", "detail") else (*path, str(key))
                return first_error(value, inner)
    elif isinstance(errors, list):
        for value in errors:
            if value:
                return first_error(value, path)
    return str(errors), ".".join(path) or None


class RegistrationApi(APIView):
    # A comment, not a docstring: the schema would show a docstring as every endpoint's description.
    # Domain errors and unreadable input both answer 400 {"detail", "field"}.

    # JSON only: one documented body per action, and no multipart parsing to trip over.
    parser_classes = [JSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, RegistrationError):
            return Response({"detail": exc.message, "field": exc.field}, status=400)
        if isinstance(exc, ParseError):
            return Response({"detail": str(exc.detail), "field": None}, status=400)
        return super().handle_exception(exc)

    def parse(self, serializer_class: type[serializers.Serializer], data) -> dict:
        parsed = serializer_class(data=data)
        if not parsed.is_valid():
            message, field = first_error(parsed.errors)
            raise RegistrationError(message, field=field)
        return parsed.validated_data

    def query(self, serializer_class: type[serializers.Serializer]) -> dict:
        """The validated query parameters; an empty one means "all", as in the filter forms of the pages."""
        given = {name: value for name, value in self.request.query_params.items() if value != ""}
        return self.parse(serializer_class, given)

    def page(self, items, serializer_class: type[serializers.Serializer]) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(items, self.request, view=self)
        return paginator.get_paginated_response(
            serializer_class(rows, many=True, context={"request": self.request}).data
        )

    def one(self, obj, serializer_class: type[serializers.Serializer], status: int = 200) -> Response:
        return Response(serializer_class(obj, context={"request": self.request}).data, status=status)


class ManagesOrders(BasePermission):
    """Staff who may view orders (reads), or change them (actions)."""

    message = "Only the society's staff may manage orders."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return False
        needed = "view_order" if request.method in SAFE_METHODS else "change_order"
        return user.has_perm(f"registration.{needed}")


def paginated(name: str, item: serializers.Serializer) -> serializers.Serializer:
    # The same shape as the paginated lists of the programme API.
    return inline_serializer(
        f"Paginated{name}List",
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


PAGE = OpenApiParameter("page", int, description="Page number, 50 a page.")
BAD_REQUEST = OpenApiResponse(
    response=ErrorSerializer,
    description="A rule was broken, or the input cannot be read; `field` names the input.",
    examples=[
        OpenApiExample("Voucher used up", value={"detail": "This voucher is used up.", "field": "voucher"})
    ],
)
NOT_SIGNED_IN = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Not signed in.",
    examples=[
        OpenApiExample("Signed out", value={"detail": "Authentication credentials were not provided."})
    ],
)
NOT_STAFF = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Not signed in, or not staff allowed to manage orders.",
    examples=[OpenApiExample("Not staff", value={"detail": "Only the society's staff may manage orders."})],
)
NOT_FOUND = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="No such event, session or order (another person's order too), or a page past the last.",
    examples=[OpenApiExample("Unknown order", value={"detail": "You have no order ABCD2345."})],
)


class ProductListApi(RegistrationApi):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["registration"],
        summary="An event's products with your own price",
        operation_id="products_list",
        description="Signed in: the lowest price that applies to you now (member prices, date windows, "
        "free for holders); signed out: the price for everyone.",
        parameters=[ProductFilterSerializer, PAGE],
        responses={
            200: paginated("ProductQuote", QuoteSerializer(many=True)),
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        event = programme_selectors.event_get(slug=self.query(ProductFilterSerializer)["event"])
        quotes = selectors.product_quotes(event=event, user=request.user)
        prefetch_related_objects([quote.product for quote in quotes], "session")
        return self.page(quotes, QuoteSerializer)


class MyOrderListApi(RegistrationApi):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="My orders, newest first",
        operation_id="me_orders_list",
        parameters=[PAGE],
        responses={200: paginated("Order", OrderSerializer(many=True)), 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    )
    def get(self, request):
        return self.page(listings.orders_of(request.user), OrderSerializer)

    @extend_schema(
        tags=["me"],
        summary="Order products for myself",
        description="Checks each product's price and availability, applies the voucher, holds seats. A total "
        "of 0 is paid at once; otherwise the order waits for a bank transfer (its code is the reference).",
        request=OrderPlaceSerializer,
        responses={201: OrderSerializer, 400: BAD_REQUEST, 403: NOT_SIGNED_IN},
    )
    def post(self, request):
        data = self.parse(OrderPlaceSerializer, request.data)
        try:
            order = services.order_place(
                buyer=request.user,
                products=data["products"],
                voucher_code=data["voucher"],
                payment_provider=data["payment_provider"],
                buyer_details=data.get("buyer", {}),
            )
        except RegistrationError as error:
            # The service names the buyer's details by themselves ("country"); here they sit under "buyer".
            if error.field in BuyerSerializer().fields:
                error.field = f"buyer.{error.field}"
            raise
        # The order comes from the service with its items: shown as it is, without reading it again.
        return self.one(order, OrderSerializer, status=201)


class MyOrderDetailApi(RegistrationApi):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="One of my orders",
        responses={200: OrderSerializer, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    )
    def get(self, request, code):
        return self.one(listings.order_of(request.user, code=code), OrderSerializer)


class MyEntitlementListApi(RegistrationApi):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="What I may watch",
        operation_id="me_entitlements_list",
        description=(
            "Entitlements from my paid orders, my memberships and staff that have not ended and are not "
            "withdrawn, including those that start later."
        ),
        parameters=[PAGE],
        responses={
            200: paginated("Entitlement", EntitlementSerializer(many=True)),
            403: NOT_SIGNED_IN,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        entitlements = list(selectors.entitlements_of(request.user))
        prefetch_related_objects(entitlements, "event", "session_type", "session__event")
        return self.page(entitlements, EntitlementSerializer)


class MyAccessApi(RegistrationApi):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["me"],
        summary="May I watch this session now?",
        description="The answer of the player: allowed or not, why, and how (live or on demand). Signed out: "
        "not allowed, with the reason.",
        parameters=[AccessQuerySerializer],
        responses={200: AccessSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request):
        params = self.query(AccessQuerySerializer)
        event = programme_selectors.event_get(slug=params["event"])
        session = programme_selectors.session_get(
            event=event, slug=params["session"], with_presentations=False
        )
        return self.one(selectors.can_watch(request.user, session), AccessSerializer)


class StaffOrderListApi(RegistrationApi):
    permission_classes = [ManagesOrders]

    @extend_schema(
        tags=["staff"],
        summary="Orders, newest first",
        operation_id="staff_orders_list",
        parameters=[StaffOrderFilterSerializer, PAGE],
        responses={
            200: paginated("StaffOrder", OrderSerializer(many=True)),
            400: BAD_REQUEST,
            403: NOT_STAFF,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        params = self.query(StaffOrderFilterSerializer)
        event = product = None
        if "event" in params:
            event = programme_selectors.event_get(slug=params["event"], include_unpublished=True)
        if "product" in params:
            product = listings.product_get(code=params["product"])
        orders = listings.order_list(
            status=params.get("status", ""), event=event, product=product, q=params.get("q", "")
        )
        return self.page(orders, OrderSerializer)


class StaffOrderDetailApi(RegistrationApi):
    permission_classes = [ManagesOrders]

    @extend_schema(
        tags=["staff"],
        summary="One order",
        responses={200: OrderSerializer, 403: NOT_STAFF, 404: NOT_FOUND},
    )
    def get(self, request, code):
        return self.one(listings.order_get(code=code), OrderSerializer)


class StaffOrderActionApi(RegistrationApi):
    permission_classes = [ManagesOrders]
    input_class: type[serializers.Serializer]

    def act(self, order, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, code):
        order = listings.order_get(code=code)
        self.act(order, self.parse(self.input_class, request.data))
        return self.one(listings.order_get(code=code), OrderSerializer)


def action_schema(summary: str, request: type[serializers.Serializer], description: str):
    return extend_schema(
        tags=["staff"],
        summary=summary,
        description=description,
        request=request,
        responses={200: OrderSerializer, 400: BAD_REQUEST, 403: NOT_STAFF, 404: NOT_FOUND},
    )


class StaffOrderMarkPaidApi(StaffOrderActionApi):
    input_class = MarkPaidSerializer

    @action_schema(
        "Mark a pending order as paid",
        MarkPaidSerializer,
        "The bank transfer arrived: the order is paid, its invoice issued, its entitlements granted.",
    )
    def post(self, request, code):
        return super().post(request, code)

    def act(self, order, data: dict) -> None:
        services.order_mark_paid(order, by=self.request.user, reference=data["reference"])


class StaffOrderRefundApi(StaffOrderActionApi):
    input_class = RefundSerializer

    @action_schema(
        "Refund a paid order",
        RefundSerializer,
        "A credit note is issued, entitlements are withdrawn, seats released; the buyer is told why.",
    )
    def post(self, request, code):
        return super().post(request, code)

    def act(self, order, data: dict) -> None:
        services.order_refund(order, by=self.request.user, reason=data["reason"])


class StaffOrderCancelApi(StaffOrderActionApi):
    input_class = CancelSerializer

    @action_schema(
        "Cancel a pending order",
        CancelSerializer,
        "Its seats are released and nothing is granted; the buyer is told why.",
    )
    def post(self, request, code):
        return super().post(request, code)

    def act(self, order, data: dict) -> None:
        services.order_cancel(order, by=self.request.user, reason=data["reason"])


urlpatterns = [
    path("products/", ProductListApi.as_view(), name="products"),
    path("me/orders/", MyOrderListApi.as_view(), name="my-orders"),
    path("me/orders/<str:code>/", MyOrderDetailApi.as_view(), name="my-order"),
    path("me/entitlements/", MyEntitlementListApi.as_view(), name="my-entitlements"),
    path("me/access/", MyAccessApi.as_view(), name="my-access"),
    path("staff/orders/", StaffOrderListApi.as_view(), name="staff-orders"),
    path("staff/orders/<str:code>/", StaffOrderDetailApi.as_view(), name="staff-order"),
    path("staff/orders/<str:code>/mark-paid/", StaffOrderMarkPaidApi.as_view(), name="staff-order-mark-paid"),
    path("staff/orders/<str:code>/refund/", StaffOrderRefundApi.as_view(), name="staff-order-refund"),
    path("staff/orders/<str:code>/cancel/", StaffOrderCancelApi.as_view(), name="staff-order-cancel"),
]
