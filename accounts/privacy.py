"""A person's own data: a copy of everything stored about them, and the deletion of their account.

The copy is found by following every foreign key to the user, so rows of apps above this layer
(memberships, proposals, comments, votes, supports…) are included without this module importing
them. Poll answers are not in it because nothing links them to anyone (assessments.PollAnswer).

Deleting an account anonymises the row instead of removing it: public contributions and their
history keep pointing at it and show "former member". The name, e-mail address, password,
confirmed addresses, second factors and social logins go; every session ends (the password
hash changes, which Django checks on each request). Apps above this layer end their own records
(memberships, liaison posts) on the `account_erased` signal, inside the same transaction.
"""

import json

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers import serialize
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationPreference, OutboxMessage, User

ERASED_DOMAIN = "erased.invalid"
# sent inside the deletion's transaction, with `user` (already anonymised)
account_erased = Signal()

# rows that must never leave the server, even to their owner: secrets, not data about them
NEVER_EXPORTED = {"mfa.authenticator", "socialaccount.socialtoken", "sessions.session"}
USER_FIELDS_NOT_EXPORTED = {"password"}
MAX_ROWS_PER_TABLE = 20_000


def _links_to_users():
    """Every (model, field name) whose foreign key points at the user table."""
    for rel in User._meta.get_fields(include_hidden=True):
        if not (rel.one_to_many or rel.one_to_one) or not rel.auto_created:
            continue
        model = rel.related_model
        if model._meta.label_lower in NEVER_EXPORTED or model._meta.proxy:
            continue
        yield model, rel.field.name


def personal_data(user: User) -> dict:
    """Everything stored about `user`, as JSON-ready data (no password, no second-factor secret)."""
    profile = json.loads(serialize("json", [user]))[0]["fields"]
    for field in USER_FIELDS_NOT_EXPORTED:
        profile.pop(field, None)
    data = {
        "format": "open-platforms-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "profile": profile,
        "records": {},
    }
    for model, field in sorted(_links_to_users(), key=lambda m: (m[0]._meta.label, m[1])):
        rows = model._base_manager.filter(**{field: user}).order_by("pk")[:MAX_ROWS_PER_TABLE]
        items = json.loads(serialize("json", rows))
        if items:
            key = f"{model._meta.label_lower}.{field}"
            data["records"][key] = [{"id": i["pk"], **i["fields"]} for i in items]
    data["records"]["accounts.outboxmessage.to"] = list(
        OutboxMessage.objects.filter(to__iexact=user.email).values(
            "subject", "status", "created_at", "sent_at"
        )
    )
    return data


def personal_data_json(user: User) -> str:
    return json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def is_erased(user: User) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}")


@transaction.atomic
def account_erase(*, user: User, password: str) -> User:
    """Delete the account of `user`, who confirms with their password; keep what they published."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        raise ValidationError(_("This account has already been deleted."))
    if not user.has_usable_password() or not user.check_password(password or ""):
        raise PermissionDenied(_("The password is not correct."))
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    old_email = user.email
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    if django_apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    OutboxMessage.objects.filter(to__iexact=old_email).exclude(
        status=OutboxMessage.Status.SENT
    ).delete()

    user.email = user.username = f"erased-{user.pk}@{ERASED_DOMAIN}"
    user.first_name = user.last_name = user.display_name = ""
    user.gender, user.birth_year, user.preferred_language = "", None, ""
    # a new unusable hash: every session's auth hash stops matching, so all of them end
    user.password = make_password(None)
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    account_erased.send(sender=User, user=user)
    return user


# --- short-lived links to private files, tied to the person who asked -------------------------

FILE_LINK_SALT = "accounts.privacy.file-link"
FILE_LINK_SECONDS = 300


def file_link_token(*, user: User, key: str) -> str:
    """A token for `key` (e.g. "attachment:42") valid for a few minutes and only for `user`."""
    return signing.TimestampSigner(salt=FILE_LINK_SALT).sign_object({"u": user.pk, "k": key})


def file_link_valid(*, user: User, key: str, token: str) -> bool:
    """True for a token made for this user and this file within the last few minutes."""
    if not user.is_authenticated or not token:
        return False
    try:
        value = signing.TimestampSigner(salt=FILE_LINK_SALT).unsign_object(
            token, max_age=FILE_LINK_SECONDS
        )
    except signing.BadSignature:
        return False
    return value == {"u": user.pk, "k": key}
