"""What each staff role may do, as Django permission groups kept in step on every migrate.

Permissions follow the role: a user's groups are set from their role by
``staff_assign_role``; the groups' permissions are set here.  Store scoping
(which rows a role sees) is the admin's and the store pages' job.
"""

from django.contrib.auth.models import Group, Permission

from retail.models.staff import StaffRole

ROLE_GROUP_NAMES = {
    StaffRole.STORE_CLERK: "Store clerk",
    StaffRole.STORE_MANAGER: "Store manager",
    StaffRole.HQ: "HQ",
    StaffRole.MARKETER: "Marketer",
}

# "app_label.codename", or "app_label.*" for every permission of an app.
ROLE_PERMISSIONS = {
    StaffRole.STORE_CLERK: [
        "retail.view_store",
        "retail.view_openinghours",
        "retail.view_specialopeninghours",
        "retail.view_product",
        "retail.view_productgtin",
        "retail.view_customer",
        "inventory.view_stocklevel",
        "inventory.view_reservation",
        "inventory.add_reservation",
    ],
    StaffRole.STORE_MANAGER: [
        "retail.view_store",
        "retail.view_openinghours",
        "retail.add_openinghours",
        "retail.change_openinghours",
        "retail.delete_openinghours",
        "retail.view_specialopeninghours",
        "retail.add_specialopeninghours",
        "retail.change_specialopeninghours",
        "retail.delete_specialopeninghours",
        "retail.view_product",
        "retail.view_productgtin",
        "retail.view_customer",
        "retail.view_staffprofile",
        # Their own store's stock (the admin scopes rows to it); changes go through
        # the admin's Adjust/Count tools, which call the inventory services.
        "inventory.view_stocklevel",
        "inventory.change_stocklevel",
        "inventory.view_stockmovement",
        "inventory.view_reservation",
        "inventory.change_reservation",
        "inventory.view_transfer",
        # Their store's orders, returns and refunds (the admin scopes rows to it).
        "orders.view_order",
        "orders.view_return",
        "orders.view_refund",
        "orders.view_notification",
        # Their store's tills' price deviations and receipt audits (read-only).
        "orders.view_pricedeviation",
        "orders.view_receiptpriceaudit",
    ],
    StaffRole.HQ: [
        "retail.*",
        "pricing.*",
        "inventory.*",
        "loyalty.*",
        "orders.*",
        "imports.*",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    ],
    # Campaigns, prices and coupons, and their imports (``imports.kinds.KIND_PERMISSIONS``
    # lets them import only those kinds).  What a campaign's scope and targets name is
    # readable; nothing of stock, orders, customers' personal data, API keys or users.
    StaffRole.MARKETER: [
        "pricing.view_campaign",
        "pricing.add_campaign",
        "pricing.change_campaign",
        "pricing.view_campaigntarget",
        "pricing.add_campaigntarget",
        "pricing.change_campaigntarget",
        "pricing.delete_campaigntarget",
        "pricing.view_productset",
        "pricing.view_pricelist",
        "pricing.view_pricelistentry",
        "pricing.add_pricelistentry",
        "pricing.change_pricelistentry",
        "pricing.view_pricechange",
        "pricing.view_couponbatch",
        "pricing.add_couponbatch",
        "pricing.view_couponcode",
        "pricing.add_couponcode",
        "pricing.change_couponcode",
        "retail.view_product",
        "retail.view_category",
        "retail.view_brand",
        "retail.view_channel",
        "retail.view_store",
        "retail.view_customergroup",
        "imports.view_importrun",
        "imports.add_importrun",
    ],
}

# Roles that work in the admin; clerks use the store pages only.
ADMIN_ROLES = {StaffRole.STORE_MANAGER, StaffRole.HQ, StaffRole.MARKETER}
# Roles that work for the whole chain and keep no store.
CHAIN_ROLES = {StaffRole.HQ, StaffRole.MARKETER}


def _permissions_for(specs: list[str]) -> list[Permission]:
    perms = []
    for spec in specs:
        app_label, codename = spec.split(".", 1)
        qs = Permission.objects.filter(content_type__app_label=app_label)
        if codename != "*":
            qs = qs.filter(codename=codename)
        perms.extend(qs)
    return perms


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and set exactly the permissions above (post_migrate)."""
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set(_permissions_for(ROLE_PERMISSIONS[role]))
