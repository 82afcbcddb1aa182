"""``/api/v1/imports/``: HQ systems upload a spreadsheet, poll its run, read the preview, confirm.

Who may import: signed-in HQ staff, and API clients of a chain-wide
integration (a POS-channel key without a store, as for stock feeds).  A
client sees only its own runs; HQ sees all.  Every error has the one API
shape ``{"code", "message", "fields"?, "extra"?}``.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.errors import ImportNotAllowedError, ImportRunNotFoundError
from imports.exports import CONTENT_TYPES, export_file
from imports.kinds import KINDS
from imports.models import ImportRun
from imports.services import import_run_confirm, import_run_create, import_run_progress
from retail.api.auth import request_client
from retail.api.permissions import is_hq_user
from retail.api.schema import ERROR
from retail.models import Channel


def _caller(request):
    """Return ``(api_client, user)`` of an allowed caller; raise ImportNotAllowedError else."""
    client = request_client(request)
    if client is not None:
        if client.channel.kind == Channel.Kind.POS and client.store_id is None:
            return client, None
        raise ImportNotAllowedError()
    if is_hq_user(request.user):
        return None, request.user
    raise ImportNotAllowedError()


def _run_for(request, run_id: int) -> ImportRun:
    client, _ = _caller(request)
    runs = ImportRun.objects.all()
    if client is not None:
        runs = runs.filter(api_client=client)
    run = runs.filter(pk=run_id).first()
    if run is None:
        raise ImportRunNotFoundError(extra={"run": run_id})
    return run


KINDS_TEXT = "prices, campaigns, coupons, products or stock_counts."
STATUSES_TEXT = "uploaded, validating, previewed, applying, applied, failed or noop."


class UploadSerializer(serializers.Serializer):
    # Plain text (checked by the service): enum names would collide in the schema.
    kind = serializers.CharField(help_text=KINDS_TEXT)
    file = serializers.FileField(help_text=".xlsx or .csv with the documented column headers.")


class ConfirmSerializer(serializers.Serializer):
    confirmed_warnings = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="The code of every warning in the preview: ticking them is the confirmation.",
    )


class RunSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=KINDS_TEXT)
    status = serializers.CharField(help_text=STATUSES_TEXT)
    progress = serializers.SerializerMethodField(help_text="{done, total, percent}.")

    class Meta:
        model = ImportRun
        fields = (
            "id",
            "kind",
            "status",
            "message",
            "file_name",
            "file_sha256",
            "progress",
            "summary",
            "noop_of",
            "created_at",
            "validated_at",
            "applied_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_progress(self, run) -> dict:
        done, total = import_run_progress(run)
        percent = None if not total else min(100, 100 * done // total)
        return {"done": done, "total": total, "percent": percent}


class PreviewSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = (*RunSerializer.Meta.fields, "diff_sample", "warnings", "errors")
        read_only_fields = fields


class RunCreateView(APIView):
    """Upload a file; its check runs as a job: poll the run."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_run_create",
        request={"multipart/form-data": UploadSerializer},
        responses={202: RunSerializer, 400: ERROR, 403: ERROR},
        description=(
            "Kinds: prices, campaigns, coupons, products, stock_counts (columns in "
            "`GET kinds/`). Returns at once with the run (`uploaded`, or `noop` when the same "
            "file was applied before); poll `runs/{id}/` until `previewed`, `failed` or `noop`."
        ),
    )
    def post(self, request):
        client, user = _caller(request)
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = import_run_create(kind=data["kind"], file=data["file"], user=user, api_client=client)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(APIView):
    @extend_schema(operation_id="imports_run_detail", responses={200: RunSerializer, 404: ERROR})
    def get(self, request, run_id: int):
        """The run: status, progress and counts."""
        return Response(RunSerializer(_run_for(request, run_id)).data)


class RunPreviewView(APIView):
    @extend_schema(
        operation_id="imports_run_preview", responses={200: PreviewSerializer, 404: ERROR}
    )
    def get(self, request, run_id: int):
        """Counts, the changed fields (old -> new) of the first rows, warnings and errors."""
        return Response(PreviewSerializer(_run_for(request, run_id)).data)


class RunConfirmView(APIView):
    # JSON only (the default): a list of warning codes is not a flat form.

    @extend_schema(
        operation_id="imports_run_confirm",
        request=ConfirmSerializer,
        responses={202: RunSerializer, 404: ERROR, 409: ERROR, 422: ERROR},
    )
    def post(self, request, run_id: int):
        """Confirm a previewed run, ticking every warning code; the apply runs as a job."""
        _, user = _caller(request)
        run = _run_for(request, run_id)
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = import_run_confirm(
            run=run, confirmed_warnings=serializer.validated_data["confirmed_warnings"], user=user
        )
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class KindsView(APIView):
    @extend_schema(operation_id="imports_kinds", responses={200: OpenApiResponse()})
    def get(self, request):
        """The column contract of every kind: name, required, meaning, example."""
        _caller(request)
        return Response(
            {
                kind: [
                    {"name": c.name, "required": c.required, "help": c.help, "example": c.example}
                    for c in module.COLUMNS
                ]
                for kind, module in KINDS.items()
            }
        )


class ExportView(APIView):
    @extend_schema(
        operation_id="imports_export",
        # A file: xlsx unless ``?file_format=csv``.
        responses={
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            400: ERROR,
        },
    )
    def get(self, request, kind: str):
        """Everything of ``kind`` in the import layout (``?file_format=csv`` or xlsx)."""
        _caller(request)
        file_format = "csv" if request.query_params.get("file_format") == "csv" else "xlsx"
        content, content_type, name = export_file(kind=kind, file_format=file_format)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
