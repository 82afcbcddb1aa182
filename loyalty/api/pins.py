"""Stored-value PINs are checked before a request's transaction, so wrong ones stay counted.

A wrong PIN is counted and the fifth locks the card.  An idempotent request
runs in one transaction that rolls back what a failed request wrote (and a
423 is never kept), which would undo that count; so each PIN in the body is
verified first, in autocommit, through ``IdempotentMixin``'s hook.  Any API
that takes stored value with a PIN (loyalty's redeem and hold, orders'
tenders) mixes this in.
"""

from collections.abc import Iterator

from loyalty.api.throttling import failed_lookup_guard
from loyalty.errors import StoredValueExpiredError, StoredValueInactiveError, WrongPinError
from loyalty.services.stored_value import stored_value_lookup
from retail.api.idempotency import IdempotentMixin
from retail.errors import DomainError


class PinsFirstMixin(IdempotentMixin):
    """Check every stored-value PIN of the body before the idempotent transaction opens.

    ``pin_list_field`` says where the body carries codes and PINs: ``None``
    for ``code`` and ``pin`` at its top (the error names the field the
    service names), or a list field whose items each may carry them (the
    error names ``<list>.<i>.pin`` or ``<list>.<i>.code``).  Other problems
    are left to the service, which reports them in the order it checks them.
    """

    pin_list_field: str | None = None

    def check_before_transaction(self, request) -> None:
        super().check_before_transaction(request)
        for code, pin, path in self._pins(request.data):
            try:
                with failed_lookup_guard(request):
                    stored_value_lookup(code=code, pin=pin)
            except (StoredValueExpiredError, StoredValueInactiveError):
                pass  # the service reports these, in the order it checks them
            except DomainError as exc:
                if path is not None:
                    exc.field = f"{path}.{'pin' if isinstance(exc, WrongPinError) else 'code'}"
                raise

    def _pins(self, data) -> Iterator[tuple[str, str, str | None]]:
        """Yield ``(code, pin, field path or None)`` for each code given with a PIN."""
        if not isinstance(data, dict):
            return
        if self.pin_list_field is None:
            items = [(data, None)]
        else:
            listed = data.get(self.pin_list_field)
            listed = listed if isinstance(listed, list) else []
            items = [(item, f"{self.pin_list_field}.{i}") for i, item in enumerate(listed)]
        for item, path in items:
            if not isinstance(item, dict):
                continue
            code, pin = item.get("code"), item.get("pin")
            if code and isinstance(code, str) and pin and isinstance(pin, str):
                yield code, pin, path
