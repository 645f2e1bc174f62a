"""Rewrite attachments stored before uploads were cleaned: no metadata, neutral names.

Files uploaded before forums.uploads existed still carry EXIF/GPS or a PDF's /Author and
their row holds the original file name. Run once after deploying; it is idempotent (a row
that already has its neutral name is skipped).
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from forums import uploads
from forums.models import Attachment


class Command(BaseCommand):
    help = "Strip metadata from stored attachments and give them neutral names."

    def handle(self, *args, **options):
        done = skipped = 0
        proposal_ids = Attachment.objects.values_list("proposal_id", flat=True).distinct()
        for proposal_id in sorted(set(proposal_ids)):
            items = Attachment.objects.filter(proposal_id=proposal_id).order_by("pk")
            for number, item in enumerate(items, start=1):
                name = uploads.neutral_filename(
                    proposal_id=proposal_id, number=number, content_type=item.content_type
                )
                if item.name == name:
                    continue
                try:
                    with item.file.open("rb") as source:
                        cleaned = uploads.clean_bytes(source.read(), content_type=item.content_type)
                except (OSError, ValidationError) as exc:
                    # the id only: the stored name may be the identifying original
                    self.stderr.write(
                        f"attachment {item.pk}: left as it is ({exc.__class__.__name__})"
                    )
                    skipped += 1
                    continue
                self._replace(item, name, cleaned)
                done += 1
        self.stdout.write(f"{done} attachment(s) cleaned, {skipped} left as they were.")

    @staticmethod
    def _replace(item: Attachment, name: str, cleaned: bytes) -> None:
        old = item.file.name
        storage = item.file.storage
        with transaction.atomic():
            item.file.save(name, ContentFile(cleaned), save=False)
            item.name = name
            item.size = len(cleaned)
            item.save(update_fields=["file", "name", "size"])
        # the old file goes only once the row points at the clean one
        storage.delete(old)
