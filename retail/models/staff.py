"""Staff: Django users linked to stores with a role; permissions follow the role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retail.models.locations import Store


class StaffRole(models.TextChoices):
    STORE_CLERK = "store_clerk", _("Store clerk")
    STORE_MANAGER = "store_manager", _("Store manager")
    HQ = "hq", _("HQ")


class StaffProfile(models.Model):
    """A user's role and stores.  HQ sees every store; store staff only theirs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=16, choices=StaffRole.choices)
    stores = models.ManyToManyField(Store, related_name="staff", blank=True)

    class Meta:
        verbose_name = "staff profile"
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
