"""A deleted account (accounts.privacy) ends its memberships and liaison posts, in its
transaction, through the same services as any other ending, so each is an event and the
permission cache follows."""

from django.utils.translation import gettext_lazy as _

from platforms.models import LiaisonOfficer, Membership
from platforms.services import liaison_end, membership_end


def on_account_erased(sender, user, **kwargs):
    for membership in Membership.objects.filter(user=user, status=Membership.Status.ACTIVE):
        membership_end(
            membership=membership, actor=user, reason=str(_("account deleted")), check=False
        )
    Membership.objects.filter(user=user, status=Membership.Status.REQUESTED).update(
        status=Membership.Status.ENDED
    )
    for post in LiaisonOfficer.objects.filter(user=user, active=True):
        liaison_end(post=post, actor=None)
