from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = _("Platforms")

    def ready(self):
        from django.db.models.signals import post_migrate

        from platforms.history import on_post_migrate

        # after every migrate and test flush: history tables refuse UPDATE and DELETE
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="platforms_append_only")

        from accounts.privacy import account_erased
        from platforms.privacy import on_account_erased

        # a deleted account's memberships and posts end with it
        account_erased.connect(on_account_erased, dispatch_uid="platforms_account_erased")
