"""``/api/v1/inventory/feeds/``: send a stock feed (file or rows), then follow its run.

Who may send: HQ staff, and API clients of a POS channel.  A POS key with a
store sends as ``pos:<STORE>`` and may feed only that store; a POS-channel
key without a store is a chain-wide integration (the ERP) and names its
``source``.  Each sees its own runs: a store's POS keys the runs of their
store, a chain-wide key the runs it sent itself (``StockFeedRun.api_client``);
HQ sees all.  The feed is checked and
applied by a Celery task; poll the run for its progress and summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import StockFeedRun
from inventory.sync import stock_feed_submit
from inventory.sync.errors import (
    StockFeedIdTakenError,
    StockFeedInvalidError,
    StockFeedNotAllowedError,
    StockFeedNotFoundError,
)
from inventory.sync.feed import run_progress
from retail.api.auth import request_client
from retail.api.idempotency import HEADER, IdempotentMixin
from retail.api.permissions import is_hq_user
from retail.api.schema import ERROR
from retail.models import Channel

MAX_ROWS = 50_000  # rows in one JSON body; larger feeds come as a file


@dataclass(frozen=True)
class FeedCaller:
    source: str  # the source a feed is recorded under, unless the caller may name one
    fixed: bool  # True: the caller cannot name another source (a POS key of a store)
    user: object | None  # the Django user, for created_by
    client: object | None = None  # the API client, kept on the run


def feed_caller(request) -> FeedCaller:
    """Who is sending or reading feeds; raises StockFeedNotAllowedError for anyone else."""
    client = request_client(request)
    if client is not None:
        if client.channel.kind != Channel.Kind.POS:
            raise StockFeedNotAllowedError()
        if client.store_id:
            return FeedCaller(
                source=f"pos:{client.store.code}", fixed=True, user=None, client=client
            )
        return FeedCaller(source="erp", fixed=False, user=None, client=client)
    if is_hq_user(request.user):
        return FeedCaller(source="hq", fixed=False, user=request.user)
    raise StockFeedNotAllowedError()


def _visible(run: StockFeedRun, caller: FeedCaller) -> bool:
    """HQ sees every run, a store's POS keys their store's, a chain-wide key its own."""
    if caller.client is None:
        return True
    if caller.fixed:
        return run.source == caller.source
    return run.api_client_id == caller.client.pk


class StockFeedSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StockFeedRun.Kind.choices)
    feed_id = serializers.CharField(
        max_length=200,
        required=False,
        help_text="Your unique id of this feed; defaults to the Idempotency-Key header.",
    )
    source = serializers.CharField(
        max_length=50,
        required=False,
        help_text="Who sends it, e.g. erp. Fixed to pos:<STORE> for a store's POS key.",
    )
    file = serializers.FileField(
        required=False, help_text="CSV (store,sku,quantity,...) or JSON lines, UTF-8."
    )
    rows = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=MAX_ROWS,
        help_text="The rows as objects with the CSV's column names, instead of a file.",
    )

    def validate(self, attrs):
        if ("file" in attrs) == ("rows" in attrs):
            raise serializers.ValidationError(
                {"file": "Send either a file or rows."}, code="feed_content_required"
            )
        return attrs


class StockFeedRunSerializer(serializers.ModelSerializer):
    # Plain text here: the choices are documented once, on the request's ``kind``.
    kind = serializers.CharField(help_text="snapshot or delta.")
    progress = serializers.SerializerMethodField(help_text="Percent of rows read; null before.")

    class Meta:
        model = StockFeedRun
        fields = (
            "feed_id",
            "kind",
            "source",
            "status",
            "rows_total",
            "rows_read",
            "rows_changed",
            "progress",
            "unknown_skus",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_progress(self, run) -> int | None:
        return run_progress(run)


class StockFeedSubmitView(IdempotentMixin, APIView):
    """Send a snapshot or delta feed as a file (multipart) or as rows (JSON)."""

    idempotency_required = False
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="inventory_feed_submit",
        request={
            "multipart/form-data": StockFeedSubmitSerializer,
            "application/json": StockFeedSubmitSerializer,
        },
        responses={202: StockFeedRunSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
        description=(
            "Queue a stock feed: `kind` snapshot (absolute counts per store and SKU) or delta "
            "(sales, receipts, returns). Columns `store`, `sku` (or `gtin`), `quantity`, and "
            "for deltas optionally `kind`, `line_id`, `occurred_at`. The feed is checked whole "
            "first: any error rejects it and changes no stock; unknown SKUs are skipped and "
            "reported. A `feed_id` (or `Idempotency-Key`) seen before returns its run and "
            "changes nothing. Poll `GET feeds/{feed_id}/` for progress and the summary."
        ),
    )
    def post(self, request):
        caller = feed_caller(request)
        serializer = StockFeedSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        feed_id = data.get("feed_id") or request.headers.get(HEADER, "")
        if not feed_id:
            raise StockFeedInvalidError(
                gettext("Give a feed_id or an Idempotency-Key."), field="feed_id"
            )
        source = caller.source if caller.fixed else data.get("source") or caller.source
        run = stock_feed_submit(
            kind=data["kind"],
            source=source,
            feed_id=feed_id,
            file=data.get("file"),
            rows=data.get("rows"),
            user=caller.user,
            api_client=caller.client,
        )
        if not _visible(run, caller):
            raise StockFeedIdTakenError(field="feed_id")
        return Response(StockFeedRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class StockFeedDetailView(APIView):
    """A feed's run: status, progress and summary."""

    @extend_schema(
        operation_id="inventory_feed_detail",
        responses={200: StockFeedRunSerializer, 403: ERROR, 404: ERROR},
        description=(
            "Status (pending, running, succeeded, rejected, failed), progress and the summary: "
            "rows read and changed, unknown SKUs with their lines, errors with line and column. "
            "A store's POS keys see their store's runs, a chain-wide key only the runs it sent "
            "(`stock_feed_not_found`, 404, otherwise)."
        ),
    )
    def get(self, request, feed_id: str):
        caller = feed_caller(request)
        run = StockFeedRun.objects.filter(feed_id=feed_id).first()
        if run is None or not _visible(run, caller):
            raise StockFeedNotFoundError(extra={"feed_id": feed_id})
        return Response(StockFeedRunSerializer(run).data)


urlpatterns = [
    path("feeds/", StockFeedSubmitView.as_view(), name="feeds"),
    path("feeds/<path:feed_id>/", StockFeedDetailView.as_view(), name="feed_detail"),
]
