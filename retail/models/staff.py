"""Staff: Django users linked to stores with a role; permissions follow the role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retail.models.common import Language
from retail.models.locations import Store


class StaffRole(models.TextChoices):
    STORE_CLERK = "store_clerk", _("Store clerk")
    STORE_MANAGER = "store_manager", _("Store manager")
    HQ = "hq", _("HQ")
    MARKETER = "marketer", _("Marketer")


class StaffProfile(models.Model):
    """A user's role and stores.  HQ sees every store; store staff only theirs.

    A marketer keeps no store: they work on campaigns, prices and coupons,
    which are the chain's, and see no store's orders, stock or customers.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(max_length=16, choices=StaffRole.choices, verbose_name=_("role"))
    stores = models.ManyToManyField(
        Store, related_name="staff", blank=True, verbose_name=_("stores")
    )

    class Meta:
        verbose_name_plural = _("staff profiles")
        verbose_name = _("staff profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="staff_role_known"
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"

    @property
    def is_hq(self) -> bool:
        return self.role == StaffRole.HQ


class UserPreference(models.Model):
    """What a user chose for themselves; an empty language follows their store's market."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: the language of the store's market."),
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["", *Language.values]),
                name="user_preference_language_known",
            ),
        ]

    def __str__(self):
        return self.user.get_username()
