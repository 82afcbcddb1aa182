from django.db import models
from django.utils.translation import gettext_lazy as _

from retail.money_fields import Currency  # noqa: F401  (re-exported for models and schema)


class Language(models.TextChoices):
    EN = "en", _("English")
    DA = "da", _("Danish")
    SV = "sv", _("Swedish")
    NB = "nb", _("Norwegian Bokmål")
