"""Entitlements: what a user may watch, granted by paid orders, active memberships and staff, and the one
question every player, page and API asks: `can_watch(user, session, at=...)`.

An entitlement opens an event, a session type (optionally of one event), a single session or an e-learning
catalogue; live and/or on demand; from `valid_from` until `valid_until` (empty: open). It is withdrawn by
setting `revoked_at`, never deleted, so "My access" and the staff can see what happened (only the deletion of
the holder's account deletes them: see receivers.py).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.memberships.enums import GrantKind
from rostrum.programme.models import Event, SessionType
from rostrum.registration.enums import EntitlementScope, EntitlementSource, ProductKind
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Entitlement, Order, Product

logger = logging.getLogger(__name__)

LIVE = "live"
ON_DEMAND = "on_demand"

# What each scope must name, and what it may name besides (a session type may be narrowed to one event).
SCOPE_CONTENT = {
    EntitlementScope.EVENT: ("event", ()),
    EntitlementScope.SESSION_TYPE: ("session_type", ("event",)),
    EntitlementScope.SESSION: ("session", ()),
    EntitlementScope.CATALOGUE: ("catalogue", ()),
}
CONTENT_FIELDS = ("event", "session_type", "session", "catalogue")
OPTION_FIELDS = ("live", "on_demand", "valid_from", "valid_until", "note")


@dataclass(frozen=True)
class Access:
    """The answer of can_watch: allowed or not, why (words a viewer understands), through which entitlement,
    and how ("live" during the session, "on_demand" after it, None when not allowed).

    When the answer is no only because the session has not started yet, `entitlement` still names the access
    the viewer will have, so a page can say "you will be able to watch".
    """

    allowed: bool
    reason: str
    entitlement: Entitlement | None = None
    mode: str | None = None


def _is_staff(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False))


# Grants from orders ----------------------------------------------------------------------------------------


def _order_item_entitlement(item) -> Entitlement | None:
    """The entitlement an order item opens, unsaved; None for what opens no content (a membership fee: the
    membership grants through its benefits; a product of no event)."""
    product = item.product
    if product.kind == ProductKind.MEMBERSHIP_FEE or not (product.grants_live or product.grants_on_demand):
        return None
    if product.session_id:
        scope, content = EntitlementScope.SESSION, {"session_id": product.session_id}
    elif product.event_id:
        scope, content = EntitlementScope.EVENT, {"event_id": product.event_id}
    else:
        return None
    event = product.event or (product.session.event if product.session else None)
    return Entitlement(
        user_id=item.order.buyer_id,
        source=EntitlementSource.ORDER,
        order_item=item,
        scope=scope,
        live=product.grants_live,
        on_demand=product.grants_on_demand,
        # No valid_from: the row only exists once the order is paid. Recordings stay open until the
        # product's own date, else the event's, else without end.
        valid_until=product.on_demand_until or (event.on_demand_until if event else None),
        note=f"Order {item.order.code}: {product.name}"[:300],
        **content,
    )


@transaction.atomic
def entitlements_grant_for_order(order: Order) -> list[Entitlement]:
    """Grant the buyer what the items of their paid order open; return the new entitlements.

    One entitlement per item: the product's session (scope SESSION) when it has one, else its event (EVENT);
    live and on demand as the product grants; valid until the product's on_demand_until, else the event's
    (empty: open). Membership fees grant nothing here (the membership's benefits do). Idempotent: an item that
    already holds an unrevoked entitlement gets no second one, so calling it twice is harmless.
    Side effects: creates the entitlements; logs `registration.entitlements.granted` on the order (one row for
    the order, not one per item, to keep checkout cheap).
    """
    already = set(
        Entitlement.objects.filter(order_item__order=order, revoked_at__isnull=True).values_list(
            "order_item_id", flat=True
        )
    )
    items = order.items.select_related("product__event", "product__session__event", "order").exclude(
        pk__in=already
    )
    entitlements = [e for e in (_order_item_entitlement(item) for item in items) if e is not None]
    if not entitlements:
        return []
    Entitlement.objects.bulk_create(entitlements)
    activity_log(
        action="registration.entitlements.granted",
        obj=order,
        data={"entitlements": [str(e.pk) for e in entitlements]},
    )
    return entitlements


@transaction.atomic
def entitlements_revoke_for_order(order: Order, *, reason: str) -> int:
    """Withdraw what an order granted (it was cancelled, expired or refunded); return how many were revoked.

    Side effects: sets `revoked_at` on the order's unrevoked entitlements (revoked ones keep their date);
    logs `registration.entitlements.revoked` on the order with the reason, when anything was revoked.
    """
    count = Entitlement.objects.filter(order_item__order=order, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        activity_log(
            action="registration.entitlements.revoked", obj=order, data={"count": count, "reason": reason}
        )
    return count


# Grants from memberships ------------------------------------------------------------------------------------


def _day_bounds(membership) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A membership's first and last day as instants: from the start of the first day to the end of the last,
    in the site's time zone (the one memberships count their days in)."""
    tz = timezone.get_default_timezone()
    start = (
        dt.datetime.combine(membership.valid_from, dt.time.min, tzinfo=tz) if membership.valid_from else None
    )
    end = (
        dt.datetime.combine(membership.valid_until, dt.time.max, tzinfo=tz)
        if membership.valid_until
        else None
    )
    return start, end


def _benefit_content(benefits) -> list[dict]:
    """What the benefits' grants name, resolved to content (two queries); an unknown reference is skipped
    with a warning, since a typo in a membership type must not stop a member's activation."""
    references = {
        kind: {b.grant_reference.strip() for b in benefits if b.grant_kind == kind} for kind in GrantKind
    }
    events = {e.slug: e for e in Event.objects.filter(slug__in=references[GrantKind.EVENT])}
    wanted_types = references[GrantKind.SESSION_TYPE]
    types = {}
    for session_type in SessionType.objects.filter(Q(code__in=wanted_types) | Q(slug__in=wanted_types)):
        types[session_type.code] = types[session_type.slug] = session_type
    content = []
    for benefit in benefits:
        reference = benefit.grant_reference.strip()
        if benefit.grant_kind == GrantKind.EVENT and reference in events:
            content.append({"scope": EntitlementScope.EVENT, "event": events[reference]})
        elif benefit.grant_kind == GrantKind.SESSION_TYPE and reference in types:
            content.append({"scope": EntitlementScope.SESSION_TYPE, "session_type": types[reference]})
        elif benefit.grant_kind == GrantKind.ELEARNING and reference:
            content.append({"scope": EntitlementScope.CATALOGUE, "catalogue": reference})
        elif benefit.grant_kind:
            logger.warning(
                "Benefit %s of membership type %s grants %s “%s”, which does not exist; nothing granted.",
                benefit.pk,
                benefit.membership_type_id,
                benefit.grant_kind,
                reference,
            )
    return content


def _content_key(scope, event=None, session_type=None, catalogue="") -> tuple:
    """What an entitlement opens, as (scope, event id, session type id, catalogue), like a saved one's."""
    return (scope, event.pk if event else None, session_type.pk if session_type else None, catalogue)


@transaction.atomic
def entitlements_grant_for_membership(membership) -> list[Entitlement]:
    """Bring the access an active membership grants in line with its type's benefits; return the new
    entitlements.

    Each benefit with a grant opens, live and on demand, from the start of the membership's first day to the
    end of its last: an event (grant "event", by slug), a session type (by code or slug) or an e-learning
    catalogue (by its reference). A renewal moves the end of what the membership already granted instead of
    granting it twice; a grant since removed from the type is withdrawn. A reference that names nothing is
    skipped with a logged warning. Nothing happens for a membership that is not active.
    Side effects: creates, extends or revokes entitlements; logs `registration.entitlements.granted` on the
    membership with the counts, when anything changed.
    """
    if not membership.is_active:
        return []
    valid_from, valid_until = _day_bounds(membership)
    wanted = _benefit_content(list(membership.membership_type.benefits.exclude(grant_kind="")))
    held = {
        (e.scope, e.event_id, e.session_type_id, e.catalogue): e
        for e in Entitlement.objects.filter(membership=membership, revoked_at__isnull=True)
    }
    created, extended, seen = [], 0, set()
    for content in wanted:
        key = _content_key(**content)
        if key in seen:
            continue  # two benefits granting the same thing grant it once
        seen.add(key)
        entitlement = held.pop(key, None)
        if entitlement is None:
            created.append(
                Entitlement(
                    user_id=membership.user_id,
                    source=EntitlementSource.MEMBERSHIP,
                    membership=membership,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    note=membership.membership_type.name[:300],
                    **content,
                )
            )
        elif (entitlement.valid_from, entitlement.valid_until) != (valid_from, valid_until):
            entitlement.valid_from, entitlement.valid_until = valid_from, valid_until
            entitlement.save(update_fields=["valid_from", "valid_until"])
            extended += 1
    Entitlement.objects.bulk_create(created)
    revoked = Entitlement.objects.filter(pk__in=[e.pk for e in held.values()]).update(
        revoked_at=timezone.now()
    )
    if created or extended or revoked:
        activity_log(
            action="registration.entitlements.granted",
            obj=membership,
            data={"granted": len(created), "extended": extended, "revoked": revoked},
        )
    return created


@transaction.atomic
def entitlements_revoke_for_membership(membership, *, reason: str) -> int:
    """Withdraw what a membership granted (it expired, was cancelled or deleted); return how many.

    Side effects: sets `revoked_at` on its unrevoked entitlements; logs `registration.entitlements.revoked`
    on the membership with the reason, when anything was revoked.
    """
    count = Entitlement.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        activity_log(
            action="registration.entitlements.revoked",
            obj=membership,
            data={"count": count, "reason": reason},
        )
    return count


# Staff grants --------------------------------------------------------------------------------------------


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _check_content(scope: str, content: dict) -> None:
    """A RegistrationError unless `content` names exactly what `scope` needs (and only what it may name)."""
    unknown = set(content) - set(CONTENT_FIELDS) - set(OPTION_FIELDS)
    if unknown:
        raise RegistrationError(f"An entitlement has no field {', '.join(sorted(unknown))}.")
    if scope not in SCOPE_CONTENT:
        raise RegistrationError(f"“{scope}” is not a kind of access.", field="scope")
    required, allowed = SCOPE_CONTENT[scope]
    label = _a(EntitlementScope(scope).label.lower())
    if not content.get(required):
        raise RegistrationError(
            f"Access to {label} must name the {required.replace('_', ' ')}.", field=required
        )
    for name in CONTENT_FIELDS:
        if name != required and name not in allowed and content.get(name):
            raise RegistrationError(
                f"Access to {label} names only the {required.replace('_', ' ')}, not "
                f"{_a(name.replace('_', ' '))}.",
                field=name,
            )
    if not content.get("live", True) and not content.get("on_demand", True):
        raise RegistrationError("Access must open the live stream, the recordings, or both.", field="live")
    valid_from, valid_until = content.get("valid_from"), content.get("valid_until")
    if valid_from and valid_until and valid_until <= valid_from:
        raise RegistrationError("Access must end after it starts.", field="valid_until")


@transaction.atomic
def entitlement_grant(*, user, by, scope, **content) -> Entitlement:
    """Staff grant `user` access to some content and return the entitlement (source "staff").

    `content` names what `scope` opens: `event` (EVENT), `session_type` and optionally `event` (SESSION_TYPE),
    `session` (SESSION) or `catalogue` (CATALOGUE), plus optionally `live`, `on_demand` (default both),
    `valid_from`, `valid_until` and a `note`. RegistrationError when `by` is not staff or when the content
    does not match the scope. Side effects: creates the entitlement; logs `registration.entitlement.granted`.
    """
    if not _is_staff(by):
        raise RegistrationError("Only staff may grant access.")
    _check_content(scope, content)
    if content.get("catalogue"):
        content["catalogue"] = content["catalogue"].strip()
    entitlement = Entitlement.objects.create(
        user=user, source=EntitlementSource.STAFF, scope=scope, granted_by=by, **content
    )
    activity_log(
        action="registration.entitlement.granted",
        actor=by,
        obj=entitlement,
        data={"user": user.pk, "scope": scope, "live": entitlement.live, "on_demand": entitlement.on_demand},
    )
    return entitlement


@transaction.atomic
def entitlement_revoke(entitlement: Entitlement, *, by, reason: str = "") -> Entitlement:
    """Withdraw one entitlement (staff; `by` None when the system does it) and return it.

    The row stays, with `revoked_at` set, so what was withdrawn remains visible. RegistrationError when `by`
    is not staff or it was already withdrawn. Side effects: saves `revoked_at`; logs
    `registration.entitlement.revoked` with the reason.
    """
    if by is not None and not _is_staff(by):
        raise RegistrationError("Only staff may withdraw access.")
    if entitlement.revoked_at is not None:
        raise RegistrationError("This access was already withdrawn.")
    entitlement.revoked_at = timezone.now()
    entitlement.save(update_fields=["revoked_at"])
    activity_log(
        action="registration.entitlement.revoked", actor=by, obj=entitlement, data={"reason": reason}
    )
    return entitlement


# Reads ---------------------------------------------------------------------------------------------------


def _moment(value: dt.datetime, event) -> str:
    """“Monday 4 March 2030 at 10:30 CET”: in the event's time zone, which is where the session happens."""
    local = timezone.localtime(value, event.tz)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"


def _day(value: dt.datetime, event) -> str:
    local = timezone.localtime(value, event.tz)
    return f"{local.day} {local:%B %Y}"


def _covering(user, session) -> list[Entitlement]:
    """The user's unrevoked entitlements whose content includes `session`, most specific first (one query)."""
    covers = Q(scope=EntitlementScope.SESSION, session_id=session.pk) | Q(
        scope=EntitlementScope.EVENT, event_id=session.event_id
    )
    if session.session_type_id:
        covers |= Q(scope=EntitlementScope.SESSION_TYPE, session_type_id=session.session_type_id) & (
            Q(event__isnull=True) | Q(event_id=session.event_id)
        )
    rank = {EntitlementScope.SESSION: 0, EntitlementScope.SESSION_TYPE: 1, EntitlementScope.EVENT: 2}
    found = Entitlement.objects.filter(covers, user=user, revoked_at__isnull=True)
    return sorted(found, key=lambda e: (rank[e.scope], e.created))


def _in_time(entitlement: Entitlement, at: dt.datetime) -> bool:
    return (entitlement.valid_from is None or entitlement.valid_from <= at) and (
        entitlement.valid_until is None or at <= entitlement.valid_until
    )


def _offer(session, *, mode: str, at: dt.datetime) -> str:
    """“ To watch it, buy the ECR 2030 congress registration.”, when something on sale opens the session
    (one query), else a pointer to the organisers."""
    products = Product.objects.filter(
        Q(session_id=session.pk) | Q(event_id=session.event_id, session__isnull=True),
        Q(available_from__isnull=True) | Q(available_from__lte=at),
        Q(available_until__isnull=True) | Q(available_until__gt=at),
        is_active=True,
        **({"grants_live": True} if mode == LIVE else {"grants_on_demand": True}),
    ).exclude(kind=ProductKind.MEMBERSHIP_FEE)
    if mode == ON_DEMAND:
        products = products.filter(Q(on_demand_until__isnull=True) | Q(on_demand_until__gte=at))
    # A ticket for this very session is the most direct answer; then the event's passes in their order.
    product = products.order_by(F("session").asc(nulls_last=True), "position", "name").first()
    if product is None:
        return " Ask the organisers about access."
    if product.seats_left == 0:
        return f" The {product.name} is sold out: join its waitlist."
    return f" To watch it, buy the {product.name}."


def _out_of_time(entitlements, at, event) -> str:
    """Why access of the right kind does not open now: it ended, or has not begun; "" when there is none."""
    ended = [e.valid_until for e in entitlements if e.valid_until and e.valid_until < at]
    if ended:
        return f"Your access ended on {_day(max(ended), event)}."
    begins = [e.valid_from for e in entitlements if e.valid_from and e.valid_from > at]
    if begins:
        return f"Your access begins on {_moment(min(begins), event)}."
    return ""


def _before_start(session, event, entitlements, at) -> Access:
    starts = f"This session starts on {_moment(session.starts_at, event)}."
    live = [e for e in entitlements if e.live and _in_time(e, session.starts_at)]
    if live:
        return Access(False, starts, live[0])
    if any(e.on_demand and _in_time(e, session.ends_at) for e in entitlements):
        return Access(False, f"{starts} Your access covers its recording, on demand once it ends.")
    return Access(False, starts + _offer(session, mode=LIVE, at=at))


def _live(session, event, entitlements, at) -> Access:
    live = [e for e in entitlements if e.live]
    for entitlement in live:
        if _in_time(entitlement, at):
            return Access(True, "Live now.", entitlement, LIVE)
    if reason := _out_of_time(live, at, event):
        return Access(False, reason)
    if any(e.on_demand and _in_time(e, session.ends_at) for e in entitlements):
        return Access(False, "Your access covers the recording, which opens on demand when the session ends.")
    return Access(
        False, "You have no access to the live stream of this session." + _offer(session, mode=LIVE, at=at)
    )


def _on_demand(session, event, entitlements, at) -> Access:
    if event.on_demand_until and at > event.on_demand_until:
        return Access(
            False,
            f"The recordings of {event.title} were on demand until {_day(event.on_demand_until, event)}.",
        )
    on_demand = [e for e in entitlements if e.on_demand]
    for entitlement in on_demand:
        if _in_time(entitlement, at):
            return Access(True, "On demand.", entitlement, ON_DEMAND)
    if reason := _out_of_time(on_demand, at, event):
        return Access(False, reason)
    if entitlements:
        return Access(False, "Your access covers the live stream only, not the recording.")
    return Access(
        False, "You have no access to the recording of this session." + _offer(session, mode=ON_DEMAND, at=at)
    )


def can_watch(user, session, *, at: dt.datetime | None = None) -> Access:
    """May `user` watch `session` at `at` (default now)? The answer, with the reason in a viewer's words.

    - nobody signed in: no, "Sign in"; staff: always ("Staff access");
    - a cancelled session: no; before it starts: no, "starts on …" (naming the access the viewer will have);
    - from its start to its end (both included): live, through an unrevoked entitlement that covers it (the
      session itself; its session type, of any event or of its own; its event) with `live`, valid at `at`;
    - after its end: on demand, through such an entitlement with `on_demand`, while `at` is within the
      entitlement's validity and not after the event's `on_demand_until`.
    When the answer is no for want of access, the reason names a product on sale that opens it.
    Cheap, since streaming asks on every token request: at most three queries (the session's event when not
    loaded yet, the user's entitlements for it, and a product to suggest when the answer is no).
    """
    at = at or timezone.now()
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(False, "Sign in to watch this session.")
    if _is_staff(user):
        return Access(True, "Staff access.", mode=LIVE if at <= session.ends_at else ON_DEMAND)
    if session.is_cancelled:
        return Access(False, "This session was cancelled.")
    entitlements = _covering(user, session)
    if at < session.starts_at:
        return _before_start(session, session.event, entitlements, at)
    if at <= session.ends_at:
        return _live(session, session.event, entitlements, at)
    return _on_demand(session, session.event, entitlements, at)


def entitlements_of(user, *, at: dt.datetime | None = None) -> list[Entitlement]:
    """The user's access that has not ended at `at` (default now): unrevoked entitlements whose
    `valid_until` is empty or not past, including those that start later; with their content and source
    loaded (one query), oldest first."""
    at = at or timezone.now()
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Entitlement.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=at))
        .select_related(
            "event",
            "session_type",
            "session__event",
            "order_item__order",
            "order_item__product",
            "membership__membership_type",
        )
        .order_by("created", "pk")
    )
