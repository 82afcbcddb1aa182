"""CSV exports from the admin: the core's formula-safe writer (kept here for old imports)."""

from retail.admin.exports import FORMULA_STARTS, csv_response, csv_safe

__all__ = ["FORMULA_STARTS", "csv_response", "csv_safe"]
