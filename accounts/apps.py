from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Cache invalidation only (no business logic): any saved or deleted portal record
        # starts a new generation of cached public pages (accounts.pagecache).
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts.pagecache import bump_on_change

        for name, signal in (
            ("save", post_save),
            ("delete", post_delete),
            ("m2m", m2m_changed),
        ):
            signal.connect(bump_on_change, dispatch_uid=f"pagecache_{name}")
