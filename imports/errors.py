"""Imports' domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class ImportFileInvalidError(DomainError):
    code = "import_file_invalid"
    default_message = _("Upload an .xlsx or .csv file with the documented column headers.")


class ImportKindUnknownError(DomainError):
    code = "import_kind_unknown"
    default_message = _("Unknown import kind.")


class ImportRunNotFoundError(NotFoundError):
    code = "import_run_not_found"
    default_message = _("No such import run.")


class ImportRunStateError(ConflictError):
    code = "import_run_state"
    default_message = _("The run is not waiting for confirmation.")


class ImportWarningsNotConfirmedError(DomainError):
    code = "import_warnings_not_confirmed"
    status = 422
    default_message = _("Tick every warning to confirm you have read it before applying.")


class ImportNotAllowedError(DomainError):
    code = "import_not_allowed"
    status = 403
    default_message = _("Only HQ staff and chain-wide integrations may import.")
