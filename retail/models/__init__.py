"""Core retail tables; one module per subject, all importable from ``retail.models``."""

from retail.models.api_clients import ApiClient, ApiClientKey, IdempotencyRecord
from retail.models.catalog import (
    Brand,
    Category,
    Product,
    ProductGtin,
    UnitMeasure,
    VatClass,
    VatRate,
)
from retail.models.common import Currency, Language
from retail.models.customers import (
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    CustomerGroup,
    CustomerGroupMembership,
)
from retail.models.locations import Channel, OpeningHours, SpecialOpeningHours, Store
from retail.models.staff import StaffProfile, StaffRole, UserPreference

__all__ = [
    "ApiClient",
    "ApiClientKey",
    "Brand",
    "Category",
    "Channel",
    "Currency",
    "Customer",
    "CustomerConsentEvent",
    "CustomerExternalId",
    "CustomerGroup",
    "CustomerGroupMembership",
    "IdempotencyRecord",
    "Language",
    "OpeningHours",
    "Product",
    "ProductGtin",
    "SpecialOpeningHours",
    "StaffProfile",
    "StaffRole",
    "Store",
    "UnitMeasure",
    "UserPreference",
    "VatClass",
    "VatRate",
]
