"""The inventory REST API under ``/api/v1/inventory/``: availability, reservations, movements."""
