from django.apps import AppConfig


class RetailConfig(AppConfig):
    name = "retail"
    verbose_name = "Retail core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from retail.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
