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
