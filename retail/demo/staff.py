"""Demo step for staff: the HQ logins, a marketer, and a manager and a clerk for every store."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from retail.demo.builder import DEMO_EPOCH, Login, SeedContext
from retail.demo.data.people import FIRST_NAMES, LAST_NAMES, STAFF_EMAIL_DOMAIN
from retail.models import StaffProfile, StaffRole, Store
from retail.services.staff import staff_assign_role

# Demo logins are public on purpose: they are printed and in the README.
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin"
HQ_USERNAME = "hq"
MARKETER_USERNAME = "marketer"
DEMO_PASSWORD = "demo-password"  # noqa: S105
STORE_ROLES = (("manager", StaffRole.STORE_MANAGER), ("clerk", StaffRole.STORE_CLERK))


def store_username(prefix: str, store_code: str) -> str:
    """``manager-dk-cph01`` for the manager of DK-CPH01."""
    return f"{prefix}-{store_code.lower()}"


def seed_staff(*, ctx: SeedContext) -> None:
    """Create the missing staff users and give each new one its role through the service.

    Passwords are hashed once per distinct password (hashing is deliberately
    slow) and the hash is shared by every demo user.
    """
    user_model = get_user_model()
    stores = [store for store in ctx.shared["stores"] if store.kind == Store.Kind.STORE]
    # (username, first name, last name, role, store, superuser)
    wanted = [
        (ADMIN_USERNAME, "Ada", "Admin", StaffRole.HQ, None, True),
        (HQ_USERNAME, "Hanne", "Kvist", StaffRole.HQ, None, False),
        (MARKETER_USERNAME, "Maja", "Lund", StaffRole.MARKETER, None, False),
    ]
    for store in stores:
        for prefix, role in STORE_ROLES:
            username = store_username(prefix, store.code)
            rng = ctx.rng("staff", username)
            country = store.country.code
            first, last = rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])
            wanted.append((username, first, last, role, store, False))

    existing = set(user_model.objects.values_list("username", flat=True))
    missing = [row for row in wanted if row[0] not in existing]
    hashes = {}
    users = []
    for username, first, last, _role, _store, superuser in missing:
        password = ADMIN_PASSWORD if superuser else DEMO_PASSWORD
        if password not in hashes:
            hashes[password] = make_password(password)
        users.append(
            user_model(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                password=hashes[password],
                is_superuser=superuser,
                is_staff=superuser,
                date_joined=DEMO_EPOCH,
            )
        )
    ctx.bulk_create(user_model, users)

    # A user who has a profile already keeps the role someone gave it.
    with_profile = set(StaffProfile.objects.values_list("user__username", flat=True))
    by_username = user_model.objects.in_bulk([row[0] for row in wanted], field_name="username")
    assigned = 0
    for username, _first, _last, role, store, _superuser in wanted:
        if username not in with_profile:
            staff_assign_role(
                user=by_username[username], role=role, stores=[store] if store else []
            )
            assigned += 1
    ctx.count(StaffProfile, assigned)

    ctx.logins.extend(
        [
            Login(ADMIN_USERNAME, ADMIN_PASSWORD, "HQ, superuser"),
            Login(HQ_USERNAME, DEMO_PASSWORD, "HQ"),
            Login(MARKETER_USERNAME, DEMO_PASSWORD, "Marketer: campaigns, prices, imports"),
        ]
    )
    if stores:
        example = stores[0].code
        for prefix, role in STORE_ROLES:
            username = store_username(prefix, example)
            ctx.logins.append(Login(username, DEMO_PASSWORD, f"{role.label}, {example}"))
        for prefix, role in STORE_ROLES:
            ctx.logins.append(
                Login(
                    f"{prefix}-<store code>",
                    DEMO_PASSWORD,
                    f"{role.label} of every store (store code in lower case)",
                )
            )
    ctx.summary["staff users"] = StaffProfile.objects.count()
