"""Imports' domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from retail.errors import ConflictError, DomainError, NotFoundError


class ImportFileInvalidError(DomainError):
    code = "import_file_invalid"
    default_message = "Upload an .xlsx or .csv file with the documented column headers."


class ImportKindUnknownError(DomainError):
    code = "import_kind_unknown"
    default_message = "Unknown import kind."


class ImportRunNotFoundError(NotFoundError):
    code = "import_run_not_found"
    default_message = "No such import run."


class ImportRunStateError(ConflictError):
    code = "import_run_state"
    default_message = "The run is not waiting for confirmation."


class ImportWarningsNotConfirmedError(DomainError):
    code = "import_warnings_not_confirmed"
    status = 422
    default_message = "Tick every warning to confirm you have read it before applying."


class ImportNotAllowedError(DomainError):
    code = "import_not_allowed"
    status = 403
    default_message = "Only HQ staff and chain-wide integrations may import."
