from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # Cache invalidation only (no business logic): the statistics page counts these rows.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        import reporting.services  # noqa: F401 - registers the plan's decision follower
        from forums.models import Meeting, PoliceResponse, Proposal
        from platforms.models import Membership, Platform
        from reporting.caching import statistics_invalidate

        for model in (Platform, Membership, Proposal, PoliceResponse, Meeting):
            uid = f"reporting_stats_{model.__name__}"
            post_save.connect(statistics_invalidate, sender=model, dispatch_uid=uid + "_save")
            post_delete.connect(statistics_invalidate, sender=model, dispatch_uid=uid + "_delete")
        m2m_changed.connect(
            statistics_invalidate,
            sender=Meeting.attendees.through,
            dispatch_uid="reporting_stats_attendance",
        )
