"""The demo's sign-ins: a staff member, a member and a visitor, e-mail verified to sign in at once."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from rostrum.accounts.enums import Profession
from rostrum.accounts.models import User
from rostrum.memberships.catalogue import membership_types_load
from rostrum.memberships.models import Membership, MembershipType
from rostrum.memberships.services import membership_apply, membership_mark_paid

# The demo member is a radiographer in Vienna with a paid Full Membership (seed 002).
DEMO_MEMBERSHIP = "full-allied"


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    role: str
    first_name: str
    last_name: str
    profession: str
    is_staff: bool = False
    country: str = "AT"


# Demo passwords, printed by `rostrum demo`: never use these accounts on a public server.
DEMO_USERS = (
    DemoUser("staff@example.org", "demo-staff", "staff (superuser)", "Stefanie", "Staff", "", is_staff=True),
    DemoUser("member@example.org", "demo-member", "member", "Maria", "Member", Profession.RADIOGRAPHER),
    DemoUser(
        "visitor@example.org", "demo-visitor", "non-member", "Victor", "Visitor", Profession.RADIOLOGIST
    ),
)


@transaction.atomic
def demo_users_load() -> list[DemoUser]:
    """Create the demo users, or reset their password, flags and verified primary e-mail address."""
    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first() or User(email=demo.email)
        user.first_name, user.last_name, user.profession = demo.first_name, demo.last_name, demo.profession
        user.certificate_name, user.country = f"{demo.first_name} {demo.last_name}", demo.country
        user.is_staff = user.is_superuser = demo.is_staff
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=demo.email, defaults={"verified": True, "primary": True}
        )
    demo_membership_load()
    return list(DEMO_USERS)


def demo_membership_load() -> Membership:
    """Load seed 002's membership types and give the demo member an active Full Membership, paid."""
    membership_types_load()
    member = User.objects.get(email="member@example.org")
    staff = User.objects.get(email="staff@example.org")
    full = MembershipType.objects.get(code=DEMO_MEMBERSHIP)
    Membership.objects.filter(user=member).delete()
    membership = membership_apply(user=member, membership_type=full)
    return membership_mark_paid(membership, by=staff)
