from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetailConfig(AppConfig):
    name = "retail"
    verbose_name = _("Retail core")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext

        # The Celery app, made current before any task is sent (``shared_task`` uses it);
        # ``retail/__init__.py`` leaves it out so that pure modules import no Django.
        import retail.celery  # noqa: F401
        from retail.api.key_cache import receivers_connect
        from retail.errors import set_translator
        from retail.roles import sync_role_groups

        # Domain errors (pure, raised by the engine too) speak the active language.
        set_translator(gettext)
        receivers_connect()

        # Every app's migrate, not only retail's: the HQ role holds the permissions
        # of apps migrated after retail (pricing, inventory, ...).
        post_migrate.connect(sync_role_groups, dispatch_uid="retail.sync_role_groups")
