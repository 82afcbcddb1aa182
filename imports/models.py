"""Imports own their runs: one uploaded spreadsheet, its check, its preview and its apply.

What a run writes lands in the other apps through their services (prices,
stock counts, coupons) in one transaction; the run only records who sent
which file, what the check found and what the apply changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retail.models import ApiClient


class ImportKind(models.TextChoices):
    PRICES = "prices", _("Price list entries")
    CAMPAIGNS = "campaigns", _("Campaigns")
    COUPONS = "coupons", _("Coupon codes")
    PRODUCTS = "products", _("Products")
    STOCK_COUNTS = "stock_counts", _("Stock counts")


class ImportRun(models.Model):
    """One upload of a spreadsheet: ``uploaded`` -> ``validating`` -> ``previewed`` -> applied.

    ``failed``: the file has errors (nothing written) or the job broke.
    ``noop``: the same file was applied before, or it changes nothing.
    """

    Kind = ImportKind

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        PREVIEWED = "previewed", _("Previewed: waiting for confirmation")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")
        NOOP = "noop", _("No-op: nothing to change")

    kind = models.CharField(max_length=16, choices=ImportKind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UPLOADED, verbose_name=_("status")
    )
    file = models.FileField(upload_to="imports/%Y/%m/%d/", verbose_name=_("file"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    parsed_rows = models.FileField(
        upload_to="imports/parsed/%Y/%m/%d/",
        blank=True,
        help_text=_("The cells as read by the check (JSON), so the apply need not parse again."),
        verbose_name=_("parsed rows"),
    )
    file_sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("file SHA-256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    progress_done = models.PositiveIntegerField(default=0, verbose_name=_("progress done"))
    progress_total = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("progress total")
    )
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Counts: new, changed, unchanged, deleted rows."),
        verbose_name=_("summary"),
    )
    diff_sample = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The first changed rows with old -> new values."),
        verbose_name=_("diff sample"),
    )
    warnings = models.JSONField(default=list, blank=True, verbose_name=_("warnings"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    confirmed_warnings = models.JSONField(
        default=list, blank=True, verbose_name=_("confirmed warnings")
    )
    message = models.CharField(max_length=500, blank=True, verbose_name=_("message"))
    noop_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The earlier run that applied the same file."),
        verbose_name=_("noop of"),
    )
    created_at = models.DateTimeField(verbose_name=_("created"))
    validated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("validated"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "file_sha256", "status"])]

    def __str__(self):
        return f"import #{self.pk} {self.kind} {self.file_name} ({self.status})"
