import factory
from django.utils import timezone

from forums.models import Proposal
from reporting.models import AnnualReport


class ProposalFactory(factory.django.DjangoModelFactory):
    """A submitted proposal row with its dates set directly (figures tests)."""

    class Meta:
        model = Proposal

    title = factory.Sequence(lambda n: f"Proposal {n}")
    body = "Text"
    category = "school"
    origin = None
    platform = factory.LazyAttribute(lambda o: o.origin)
    state = Proposal.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    year = 2025
    summary = "Итоги года: форумы работали. Жылдын жыйынтыгы."
    achievements = "Освещение улиц"
    problems = "Мало молодёжи"
    next_year = "Больше встреч"
