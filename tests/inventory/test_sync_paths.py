"""The set-based SQL path and the ORM path write exactly the same rows (PostgreSQL)."""

import pytest
from django.db import transaction

from inventory.models import Reservation, StockMovement
from tests.factories import UserFactory
from tests.inventory.factories import reserve
from tests.inventory.sync_support import (
    ledger_holds,  # noqa: F401 (fixture)
    make_world,
    media,  # noqa: F401 (fixture)
    run_feed,
    stock_state,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.usefixtures("media", "ledger_holds"),
]

SNAPSHOT = (
    "store,sku,quantity\n"
    "DK-CPH01,JACKET-1,2\n"  # below reserved: releases the newest reservations
    "DK-CPH01,MUG-1,4\n"  # matches
    "DK-CPH01,LAMP-1,0\n"  # no stock row, zero: nothing
    "DK-ODE01,JACKET-1,30\n"
    "DK-ODE01,MUG-1,6\n"  # no stock row yet
    "DK-ODE01,NEW-SKU,1\n"  # unknown: skipped
    "DK-ODE01,LAMP-1,1\n"
)
DELTA = (
    "store,sku,quantity,kind,line_id,occurred_at\n"
    "DK-CPH01,JACKET-1,4,sale,R1:1,2026-03-02T09:30:00\n"
    "DK-CPH01,JACKET-1,6,receipt,,\n"
    "DK-CPH01,MUG-1,9,sale,R1:2,\n"  # more than on hand: corrected to zero ...
    "DK-CPH01,MUG-1,3,receipt,ASN-1:1,\n"  # ... before this receipt, in the same chunk
    "DK-CPH01,JACKET-1,9,sale,R2:1,\n"  # into reserved units
    "DK-CPH01,JACKET-1,2,receipt,,\n"
    "DK-ODE01,LAMP-1,2,return,,2026-03-02T11:00:00Z\n"
    "DK-ODE01,JACKET-1,-1,,,\n"
)


def outcome(text: str, *, kind: str, set_based: bool, user) -> dict:
    """Apply the feed, capture every row it touched, and roll it all back."""
    with transaction.atomic():
        run_feed(text, feed_id="f-1", kind=kind, chunk_size=2, set_based=set_based, user=user)
        result = {
            "stock": stock_state(),
            "ledger": list(
                StockMovement.objects.order_by("source_key").values_list(
                    "source_key",
                    "location__code",
                    "product__sku",
                    "kind",
                    "quantity",
                    "on_hand_after",
                    "reason",
                    "actor_id",
                    "actor_label",
                    "source_document",
                    "created_at",
                )
            ),
            "reservations": list(
                Reservation.objects.order_by("pk").values_list(
                    "pk", "status", "closed_at", "close_reason"
                )
            ),
        }
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("kind,text", [("snapshot", SNAPSHOT), ("delta", DELTA)])
def test_set_based_and_orm_paths_write_the_same_rows(kind, text):
    world = make_world()
    user = UserFactory()
    for quantity in (3, 2, 2):
        reserve(world.cph, world.jacket, quantity)
    sql = outcome(text, kind=kind, set_based=True, user=user)
    orm = outcome(text, kind=kind, set_based=False, user=user)
    assert sql == orm
    assert len(sql["ledger"]) > 5
    assert any(status == "released" for _, status, _, _ in sql["reservations"])
