"""Summaries and examples of the imports API operations (see ``retail.api.examples``)."""

from retail.api.examples import HQ, Call, Operation

PRICES_CSV = "price_list,sku,price,valid_from\nPUBLIC-DK,SKU-000001,1599.00,2027-01-01\n"
RUN = {"path.run_id": "import_run"}

DOCS = {
    "imports_kinds": Operation(
        "List the import kinds and their columns", (Call("Every kind", client=HQ),)
    ),
    "imports_export": Operation(
        "Export everything of a kind in the import layout",
        (Call("Prices as CSV", client=HQ, path={"kind": "prices"}, query={"file_format": "csv"}),),
    ),
    "imports_run_create": Operation(
        "Upload a spreadsheet to import",
        (
            Call(
                "A new price from New Year",
                client=HQ,
                body={"kind": "prices"},
                files={"file": ("prices.csv", PRICES_CSV)},
                status=202,
            ),
        ),
    ),
    "imports_run_detail": Operation(
        "Show an import run's status and progress",
        (Call("The uploaded run", client=HQ, path={"run_id": 1}, demo=RUN),),
    ),
    "imports_run_preview": Operation(
        "Preview what an import run would change",
        (Call("The uploaded run", client=HQ, path={"run_id": 1}, demo=RUN),),
    ),
    "imports_run_confirm": Operation(
        "Confirm a previewed import run",
        (
            Call(
                "Apply it, no warnings to tick",
                client=HQ,
                path={"run_id": 1},
                body={"confirmed_warnings": []},
                status=202,
                demo=RUN,
            ),
        ),
    ),
}
