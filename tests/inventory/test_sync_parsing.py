"""Reading and checking stock feeds: CSV and JSON lines, every error named by line and column."""

from datetime import UTC, datetime

import pytest

from inventory.models import StockMovement
from retail.models import ProductGtin
from tests.inventory.sync_support import make_world, parse

pytestmark = pytest.mark.django_db

Kind = StockMovement.Kind


@pytest.fixture
def world():
    return make_world()


def rows(feed) -> list[tuple]:
    return list(zip(feed.lines, feed.location_ids, feed.product_ids, feed.quantities, strict=True))


def errors(feed) -> list[tuple]:
    return [(e["line"], e["column"], e["code"]) for e in feed.errors_report()]


def test_feed_parse_csv_tolerates_bom_spaces_case_and_decimal_looking_integers(world):
    feed = parse(
        "\ufeff Store , SKU ,Qty\n"
        "dk-cph01, JACKET-1 , 5 \n"
        "DK-CPH01,MUG-1,5.0\n"
        "\n"
        ",,\n"
        'DK-ODE01,"JACKET-1","7.00"\n'
    )
    assert errors(feed) == []
    assert feed.rows_total == 3
    assert rows(feed) == [
        (2, world.cph.pk, world.jacket.pk, 5),
        (3, world.cph.pk, world.mug.pk, 5),
        (6, world.ode.pk, world.jacket.pk, 7),
    ]


def test_feed_parse_csv_with_semicolons_as_spreadsheets_export_it(world):
    feed = parse("store;sku;quantity\nDK-CPH01;MUG-1;3\n")
    assert errors(feed) == [] and rows(feed) == [(2, world.cph.pk, world.mug.pk, 3)]


def test_feed_parse_names_the_line_and_column_of_every_error(world):
    feed = parse(
        "store,sku,quantity\n"
        "DK-XXX01,MUG-1,1\n"  # 2: unknown store
        "DK-CPH01,MUG-1,5.5\n"  # 3: not a whole number
        "DK-CPH01,MUG-1,abc\n"  # 4
        "DK-ODE01,MUG-1,-2\n"  # 5: a count below zero
        "DK-ODE01,,2\n"  # 6: no SKU
        "DK-ODE01,LAMP-1,\n"  # 7: no quantity
        "DK-ODE01,LAMP-1\n"  # 8: a field short
        "DK-CPH01,JACKET-1,4\n"  # fine
    )
    assert errors(feed) == [
        (2, "store", "unknown_store"),
        (3, "quantity", "invalid_quantity"),
        (4, "quantity", "invalid_quantity"),
        (5, "quantity", "invalid_quantity"),
        (6, "sku", "required"),
        (7, "quantity", "required"),
        (8, "", "wrong_number_of_fields"),
    ]
    assert feed.rejected and feed.rows_total == 8
    messages = [e["message"] for e in feed.errors_report()]
    assert messages[0] == "Line 2, column store: no store or warehouse 'DK-XXX01'."
    assert messages[1] == "Line 3, column quantity: '5.5' is not a whole number."


def test_feed_parse_reports_unknown_skus_with_their_lines_without_rejecting(world):
    feed = parse(
        "store,sku,quantity\nDK-CPH01,NEW-1,1\nDK-CPH01,MUG-1,1\nDK-ODE01,NEW-1,2\nDK-CPH01,NEW-2,1\n"
    )
    assert not feed.rejected
    assert feed.unknown_report() == [
        {"sku": "NEW-1", "rows": 2, "lines": [2, 4]},
        {"sku": "NEW-2", "rows": 1, "lines": [5]},
    ]
    assert rows(feed) == [(3, world.cph.pk, world.mug.pk, 1)]


def test_feed_parse_finds_products_by_gtin_and_counts_multipacks_in_units(world):
    ProductGtin.objects.create(product=world.mug, gtin="05700000000059", pack_quantity=6)
    feed = parse(
        "store,sku,gtin,quantity\n"
        f"DK-CPH01,{world.jacket_gtin},,2\n"  # a GTIN in the sku column
        "DK-CPH01,,5700000000059,3\n"  # the multipack, EAN-13 for its GTIN-14
        "DK-CPH01,,5700000000058,1\n"  # a wrong check digit
        "DK-CPH01,,5700000000066,1\n"  # valid, but no product has it
    )
    assert errors(feed) == [(4, "gtin", "invalid_gtin")]
    assert rows(feed) == [
        (2, world.cph.pk, world.jacket.pk, 2),
        (3, world.cph.pk, world.mug.pk, 18),
    ]
    assert [u["sku"] for u in feed.unknown_report()] == ["5700000000066"]


def test_feed_parse_json_lines_with_the_same_keys_and_errors_by_line(world):
    feed = parse(
        '{"store": "DK-CPH01", "sku": "MUG-1", "quantity": 3}\n'
        "\n"
        '{"store": "DK-CPH01", "sku": "JACKET-1", "quantity": "4"}\n'
        '{"store": "DK-ODE01", "sku": "MUG-1", "quantity": 2.5}\n'
        "not json\n"
        '["a list"]\n'
        '{"store": "DK-ODE01", "sku": "LAMP-1", "quantity": 2.0, "Note": "ignored"}\n',
        name="feed.jsonl",
    )
    assert errors(feed) == [
        (4, "quantity", "invalid_quantity"),
        (5, "", "invalid_json"),
        (6, "", "invalid_json"),
    ]
    assert rows(feed) == [
        (1, world.cph.pk, world.mug.pk, 3),
        (3, world.cph.pk, world.jacket.pk, 4),
        (7, world.ode.pk, world.lamp.pk, 2),
    ]


def test_feed_parse_json_lines_are_recognised_without_a_file_name(world):
    feed = parse('\ufeff{"store": "DK-CPH01", "sku": "MUG-1", "quantity": 1}\n', name="upload")
    assert errors(feed) == [] and feed.rows_total == 1


def test_feed_parse_rejects_a_header_without_the_required_columns(world):
    feed = parse("store,product,amount\nDK-CPH01,MUG-1,1\n")
    assert errors(feed) == [(1, "quantity", "missing_column"), (1, "sku", "missing_column")]
    assert feed.rows_total == 0


def test_feed_parse_rejects_a_file_that_is_not_utf8(world):
    feed = parse(b"store,sku,quantity\nDK-CPH01,MUG-1,1\n" + b"DK-CPH01,\xff\xfe,1\n")
    assert [e.code for e in feed.errors] == ["not_utf8"]


def test_feed_parse_rejects_broken_csv_quoting_at_its_line(world):
    feed = parse('store,sku,quantity\nDK-CPH01,MUG-1,1\nDK-CPH01,"MUG-1"x,1\n')
    assert errors(feed) == [(3, "", "malformed_csv")]


def test_feed_parse_snapshot_names_each_store_and_sku_once(world):
    feed = parse(
        f"store,sku,quantity\nDK-CPH01,JACKET-1,1\nDK-CPH01,MUG-1,1\nDK-CPH01,{world.jacket_gtin},2\n"
    )
    assert errors(feed) == [(4, "", "duplicate_row")]
    assert "already counted on line 2" in feed.errors[0].message


def test_feed_parse_delta_kind_gives_the_sign_and_a_contrary_sign_is_an_error(world):
    feed = parse(
        "store,sku,quantity,kind\n"
        "DK-CPH01,MUG-1,2,sale\n"  # unsigned sale
        "DK-CPH01,MUG-1,-2,SALE\n"  # signed as the kind says
        "DK-CPH01,MUG-1,+3,receipt\n"
        "DK-CPH01,MUG-1,1,return\n"
        "DK-CPH01,MUG-1,-4,\n"  # no kind: the sign says sale
        "DK-CPH01,MUG-1,5,\n"  # no kind: receipt
        "DK-CPH01,MUG-1,-3,receipt\n"  # contrary
        "DK-CPH01,MUG-1,0,sale\n"
        "DK-CPH01,MUG-1,1,gift\n",
        kind="delta",
    )
    assert errors(feed) == [
        (8, "quantity", "invalid_quantity"),
        (9, "quantity", "invalid_quantity"),
        (10, "kind", "invalid_kind"),
    ]
    assert list(feed.quantities) == [-2, -2, 3, 1, -4, 5]
    assert feed.movement_kinds == [
        Kind.SALE,
        Kind.SALE,
        Kind.RECEIPT,
        Kind.RETURN,
        Kind.SALE,
        Kind.RECEIPT,
    ]


def test_feed_parse_delta_line_ids_and_times_in_the_store_time_zone(world):
    feed = parse(
        "store,sku,quantity,kind,line_id,occurred_at\n"
        "DK-CPH01,MUG-1,1,sale,R7:1,2026-03-02T10:15:00\n"
        "DK-CPH01,MUG-1,1,sale,R7:2,2026-03-02T10:15:00Z\n"
        "DK-ODE01,MUG-1,1,sale,R7:1,\n"  # another store: another line
        "DK-CPH01,JACKET-1,1,sale,R7:1,\n"  # the same line again
        "DK-CPH01,JACKET-1,1,sale,R8:1,yesterday\n",
        kind="delta",
    )
    assert errors(feed) == [
        (5, "line_id", "duplicate_line_id"),
        (6, "occurred_at", "invalid_datetime"),
    ]
    assert feed.source_keys == [
        f"sale:{world.cph.pk}:R7:1",
        f"sale:{world.cph.pk}:R7:2",
        f"sale:{world.ode.pk}:R7:1",
    ]
    assert feed.occurred_at[:2] == [
        datetime(2026, 3, 2, 9, 15, tzinfo=UTC),  # 10:15 in Copenhagen (UTC+1)
        datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
    ]


def test_feed_parse_a_pos_sender_feeds_only_its_own_store(world):
    feed = parse(
        "store,sku,quantity\nDK-CPH01,MUG-1,1\nDK-ODE01,MUG-1,1\n",
        allowed_store_ids=frozenset({world.cph.pk}),
    )
    assert errors(feed) == [(3, "store", "store_not_allowed")]


def test_feed_parse_chunks_resume_after_the_rows_already_read(world):
    feed = parse(
        "store,sku,quantity\n"
        + "DK-CPH01,MUG-1,1\nDK-CPH01,NOPE,1\n" * 1
        + "DK-ODE01,MUG-1,2\nDK-ODE01,LAMP-1,3\n"
    )
    assert [c.last_ordinal for c in feed.chunks(2)] == [3, 4]
    assert [[r.ordinal for r in c.rows] for c in feed.chunks(2, after_ordinal=1)] == [[3, 4]]
    assert list(feed.chunks(2, after_ordinal=4)) == []
