"""LCPC import: each row of a CSV or XLSX file becomes an active LCPC community forum."""

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from accounts.models import User
from accounts.services import notify, outbox_email_queue
from platforms import registration
from platforms.models import Committee, Platform, PlatformContact, Territory
from platforms.registration import invitation_token_hash, invitation_url
from platforms.services import add_officials_by_default, platform_create

Invitation = PlatformContact.Invitation

REQUIRED_COLUMNS = ("name", "territory", "head")
NAME_MAX = 200

# The file's first line is its header: data rows are numbered from 2, as a spreadsheet shows them.
HEADER_ROWS = 1


def committee_lookup() -> dict[str, Committee]:
    """Every accepted spelling of every committee (casefolded) -> the committee; one query."""
    return {_key(name): c for c in Committee.objects.all() for name in c.spellings()}


MEMBER_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<committee>[^()]*)\)$")


def _text(value) -> str:
    """A cell as one line of text: None is empty, inner whitespace is collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def _key(value: str) -> str:
    return _text(value).replace("’", "'").replace("‘", "'").casefold()


def _clip(value: str, length: int = 40) -> str:
    return value if len(value) <= length else f"{value[:length]}…"


@dataclass(frozen=True)
class LcpcContact:
    name: str
    committee: Committee | None = None
    email: str = ""
    is_head: bool = False

    @property
    def committee_label(self) -> str:
        return self.committee.name if self.committee else ""


@dataclass
class LcpcRow:
    """One valid row of the file: the LCPC it creates and its contacts."""

    row: int
    name: str
    territory: Territory
    council: Platform
    contacts: list[LcpcContact]

    @property
    def head(self) -> LcpcContact:
        return self.contacts[0]

    @property
    def members(self) -> list[LcpcContact]:
        return self.contacts[1:]


@dataclass
class LcpcImportReport:
    """What an import created (or, in a dry run, would create) and each row's errors."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: list[LcpcRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        """Errors as "Row N: message"; row 0 is the file itself (e.g. a missing column)."""
        return [
            _("Row %(row)d: %(message)s") % {"row": row, "message": message} if row else message
            for row, message in self.errors
        ]


class LcpcResource(resources.ModelResource):
    """Rows of name, territory (code or name), head, head_email, members -> LCPC forums."""

    name = fields.Field(column_name="name")
    territory = fields.Field(column_name="territory")
    head = fields.Field(column_name="head")
    head_email = fields.Field(column_name="head_email")
    members = fields.Field(column_name="members")

    class Meta:
        model = Platform
        fields = ("name", "territory", "head", "head_email", "members")
        import_id_fields = []
        force_init_instance = True  # an import only ever creates
        skip_diff = True
        use_transactions = True

    def __init__(self, *, actor: User | None = None, progress=None, progress_every=100, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        # progress(rows done) every `progress_every` rows: a background job's admin page
        self.progress, self.progress_every, self.done = progress, progress_every, 0
        self.rows: list[LcpcRow] = []
        self._pending: dict[int, LcpcRow] = {}

    def before_import(self, dataset, **kwargs):
        # One query for the whole tree, so every row's lookup and council walk is in memory.
        territories = list(Territory.objects.all())
        by_pk = {t.pk: t for t in territories}
        self._by_code = {t.code.casefold(): t for t in territories}
        self._by_name: dict[str, dict[int, Territory]] = {}
        for t in territories:
            if t.parent_id:
                t.parent = by_pk[t.parent_id]
            for name in (t.name_en, t.name_ru, t.name_ky, t.name_uz):
                if name:
                    self._by_name.setdefault(_key(name), {})[t.pk] = t
        self._councils = {
            p.territory_id: p
            for p in Platform.objects.filter(
                level=Platform.Level.DISTRICT, status=Platform.Status.ACTIVE
            ).select_related("territory")
        }
        self._committees = committee_lookup()
        self._seen: dict[tuple[int, str], int] = {}
        self.rows, self._pending = [], {}

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        self.done += 1
        if self.progress is not None and self.done % self.progress_every == 0:
            self.progress(self.done)
        return result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not any(_text(value) for value in row.values())

    def import_instance(self, instance, row, **kwargs):
        if self.skip_row(instance, None, row):
            return
        number = kwargs["row_number"] + HEADER_ROWS
        errors: list[str] = []
        name = _text(row.get("name"))
        if not name:
            errors.append(_("The name is missing."))
        elif len(name) > NAME_MAX:
            errors.append(
                _("The name “%(value)s” is longer than %(max)d characters.")
                % {"value": _clip(name), "max": NAME_MAX}
            )
        territory = self._territory(_text(row.get("territory")), errors)
        council = self._council(territory, errors) if territory else None
        if name and territory:
            self._check_duplicate(name, territory, number, errors)
        contacts = self._contacts(row, errors)
        if errors:
            raise ValidationError(errors)
        instance.name = name
        instance.territory = territory
        instance.parent = council
        instance.level = Platform.Level.COMMUNITY
        instance.kind = Platform.Kind.LCPC
        instance.status = Platform.Status.ACTIVE
        self._pending[number] = LcpcRow(
            row=number, name=name, territory=territory, council=council, contacts=contacts
        )

    def _territory(self, value: str, errors: list[str]) -> Territory | None:
        if not value:
            errors.append(_("The territory is missing."))
            return None
        found = self._by_code.get(value.casefold())
        if found:
            return found
        matches = list(self._by_name.get(_key(value), {}).values())
        if not matches:
            errors.append(
                _("Unknown territory “%(value)s”: give a territory code or its exact name.")
                % {"value": _clip(value)}
            )
            return None
        if len(matches) > 1:
            errors.append(
                _("The territory name “%(value)s” is ambiguous (%(codes)s): give its code instead.")
                % {"value": value, "codes": ", ".join(sorted(t.code for t in matches))}
            )
            return None
        return matches[0]

    def _council(self, territory: Territory, errors: list[str]) -> Platform | None:
        council_territory = territory.council_territory()
        council = self._councils.get(council_territory.pk) if council_territory else None
        if council is None:
            errors.append(
                _("There is no district or city council for the territory “%(value)s”.")
                % {"value": territory.name}
            )
        return council

    def _check_duplicate(
        self, name: str, territory: Territory, number: int, errors: list[str]
    ) -> None:
        first = self._seen.setdefault((territory.pk, _key(name)), number)
        if first != number:
            errors.append(
                _("“%(value)s” in %(territory)s is repeated in the file (first in row %(row)d).")
                % {"value": _clip(name), "territory": territory.name, "row": first}
            )
        elif Platform.objects.filter(territory=territory, name__iexact=name).exists():
            errors.append(
                _("A forum named “%(value)s” already exists in %(territory)s.")
                % {"value": _clip(name), "territory": territory.name}
            )

    def _contacts(self, row, errors: list[str]) -> list[LcpcContact]:
        head = _text(row.get("head"))
        email = _text(row.get("head_email")).lower()
        if not head:
            errors.append(_("The head is missing."))
        else:
            self._check_person(head, errors)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not a valid e-mail address.") % {"value": email})
        contacts = [LcpcContact(name=head, email=email, is_head=True)]
        for entry in str(row.get("members") or "").split(";"):
            entry = _text(entry)
            if entry:
                contacts.append(self._member(entry, errors))
        return contacts

    def _member(self, entry: str, errors: list[str]) -> LcpcContact:
        match = MEMBER_RE.match(entry)
        name, committee = (match["name"], _text(match["committee"])) if match else (entry, "")
        if not name:
            errors.append(_("The member entry “%(value)s” has no name.") % {"value": entry})
        else:
            self._check_person(name, errors)
        value = self._committees.get(_key(committee)) if committee else None
        if committee and value is None:
            allowed = sorted({c.name for c in self._committees.values()})
            errors.append(
                _("Unknown committee “%(value)s” for %(name)s: use one of %(allowed)s.")
                % {"value": committee, "name": _clip(name), "allowed": ", ".join(allowed)}
            )
        return LcpcContact(name=name, committee=value)

    def _check_person(self, name: str, errors: list[str]) -> None:
        if len(name) > NAME_MAX:
            errors.append(
                _("The name “%(value)s” is longer than %(max)d characters.")
                % {"value": _clip(name), "max": NAME_MAX}
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        plan = self._pending.pop(kwargs["row_number"] + HEADER_ROWS)
        platform = platform_create(
            name=plan.name,
            level=Platform.Level.COMMUNITY,
            kind=Platform.Kind.LCPC,
            status=Platform.Status.ACTIVE,
            territory=plan.territory,
            parent=plan.council,
            actor=self.actor,
        )
        for person in plan.contacts:
            token = secrets.token_urlsafe(32) if person.email else ""
            contact = PlatformContact(
                platform=platform,
                name=person.name,
                email=person.email,
                committee=person.committee,
                is_head=person.is_head,
                source=PlatformContact.Source.IMPORT,
                invitation=Invitation.PENDING if token else Invitation.NONE,
                token_hash=invitation_token_hash(token) if token else "",
            )
            contact.full_clean()
            contact.save()
            if token:
                head_invite(contact=contact, token=token)
        add_officials_by_default(platform=platform, actor=self.actor)
        instance.pk, instance.slug, instance.path = platform.pk, platform.slug, platform.path
        self.rows.append(plan)

    def after_import(self, dataset, result, **kwargs):
        # Rows never carry primary keys, so there is no sequence to reset.
        pass


def head_invite(*, contact: PlatformContact, token: str) -> None:
    """Invite an imported LCPC's head to take their place on the forum (in the caller's
    transaction: a dry run or a failed import sends nothing).

    The same invitation as an initiative group's (a hashed token, accepted on the invitation
    page): a notification for an existing account, otherwise an e-mail through the outbox.
    """
    platform = contact.platform
    url = invitation_url(contact, token)
    title = _("You are named head of %(forum)s on Open Platforms") % {"forum": platform.name}
    body = _(
        "The local crime prevention centre %(forum)s in %(territory)s is now a community "
        "security forum on the portal, with you as its head. Open the link to accept and "
        "join it, or to decline."
    ) % {"forum": platform.name, "territory": platform.territory.name}
    account = registration._account_for(contact.email)
    if account is not None:
        notify(users=[account], verb="registration.invited", title=title, body=body, url=url)
        return
    signup = _(
        "You have no account on the portal yet: create one with this e-mail address, "
        "then open the link."
    )
    absolute = f"{settings.SITE_URL.rstrip('/')}{url}"
    outbox_email_queue(to=contact.email, subject=title, body=f"{body}\n\n{signup}\n\n{absolute}")


def _normalised(dataset: tablib.Dataset) -> tablib.Dataset:
    headers = [_text(h).lstrip("\ufeff").lower() for h in dataset.headers or []]
    return tablib.Dataset(*dataset, headers=headers)


def _result_errors(result) -> list[tuple[int, str]]:
    """(row as a spreadsheet numbers it, message); row 0 is the file itself."""
    errors = [(0, str(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        number = invalid.number + HEADER_ROWS
        errors += [(number, message) for message in invalid.error.messages]
    for error_row in result.error_rows:
        errors += [
            (
                error_row.number + HEADER_ROWS,
                _("Unexpected error: %(error)s") % {"error": error.error},
            )
            for error in error_row.errors
        ]
    return sorted(errors, key=lambda error: error[0])


def lcpc_import(
    *,
    dataset: tablib.Dataset,
    dry_run: bool,
    actor: User | None = None,
    progress=None,
    progress_every: int = 100,
) -> LcpcImportReport:
    """Create an active LCPC per row, or nothing at all if any row has an error.

    `progress(rows done)` is called every `progress_every` rows (background jobs).
    """
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator may import LCPCs."))
    dataset = _normalised(dataset)
    missing = [column for column in REQUIRED_COLUMNS if column not in dataset.headers]
    if missing:
        return LcpcImportReport(
            errors=[
                (0, _("The file has no “%(column)s” column.") % {"column": column})
                for column in missing
            ],
            dry_run=dry_run,
        )
    resource = LcpcResource(actor=actor, progress=progress, progress_every=progress_every)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        errors = _result_errors(result)
        if dry_run or errors:
            transaction.set_rollback(True)
    return LcpcImportReport(
        created=0 if errors else len(resource.rows),
        errors=errors,
        rows=resource.rows,
        dry_run=dry_run,
    )


FORMATS = {".csv": CSV, ".xlsx": XLSX}


def dataset_from_file(path_or_file, *, format: str | None = None) -> tablib.Dataset:
    """Read a UTF-8 CSV or an XLSX file (a path or an open/uploaded file) into a dataset."""
    is_path = isinstance(path_or_file, str | Path)
    name = str(path_or_file) if is_path else getattr(path_or_file, "name", "") or ""
    suffix = f".{format.lower().lstrip('.')}" if format else Path(name).suffix.lower()
    reader = FORMATS.get(suffix)
    if reader is None:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    content = Path(path_or_file).read_bytes() if is_path else path_or_file.read()
    try:
        if reader is CSV and isinstance(content, bytes):
            content = content.decode("utf-8-sig")
        return reader().create_dataset(content)
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The CSV file is not UTF-8 text.")) from exc
    except Exception as exc:  # openpyxl and tablib raise many kinds for a damaged file
        raise ValidationError(
            _("The file could not be read as %(format)s.") % {"format": suffix[1:].upper()}
        ) from exc
