"""Attachment privacy: neutral names, metadata stripped at upload, oversized bodies refused.

Some authors are protected witnesses. A photo's EXIF (camera owner, GPS position), a PDF's
/Author or XMP packet, or the file's own name ("Marat_witness_statement.jpg") would
unmask them to anyone who opens the proposal, so none of these is ever stored: images are
re-encoded from their pixels, PDFs are rewritten without their metadata, and every file
is stored and served under a name made of the proposal number and a position.
"""

import io
import warnings
from types import SimpleNamespace

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults
from PIL import Image, ImageOps

from forums.models import ALLOWED_UPLOADS, MAX_UPLOAD_BYTES, Attachment, Proposal

SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
KINDS = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
# Phones save JPEGs with a second preview frame as MPO; Pillow reads it as its own format.
IMAGE_FORMATS = {"image/jpeg": (("JPEG", "MPO"), "JPEG"), "image/png": (("PNG",), "PNG")}
# A PNG's transparent colour is image data, not metadata: without it the picture changes.
KEPT_IMAGE_INFO = ("transparency",)
JPEG_QUALITY = 90
# Metadata a PDF may carry on any object (pages and images included), not only the root.
PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def _refuse(message: str) -> ValidationError:
    return ValidationError({"attachment": message})


def _unreadable() -> ValidationError:
    return _refuse(_("The file could not be read. Please send an undamaged JPEG, PNG or PDF."))


# Names -----------------------------------------------------------------------------------


SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF",),
}


def check_upload(upload, *, field: str = "attachment") -> str:
    """The content type of an upload whose extension, size and first bytes agree; else refused."""
    name = upload.name or "file"
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_UPLOADS:
        raise ValidationError({field: _("Only JPEG, PNG and PDF files are accepted.")})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("Files must be under 5 MB.")})
    head = upload.read(8)
    upload.seek(0)
    content_type = ALLOWED_UPLOADS[ext]
    if not head.startswith(SIGNATURES[content_type]):
        raise ValidationError({field: _("The file's content does not match its type.")})
    return content_type


def neutral_filename(*, proposal_id: int, number: int, content_type: str) -> str:
    """The only name a stored file ever has: it says nothing about who made it."""
    return f"proposal-{proposal_id}-attachment-{number}{SUFFIXES[content_type]}"


def label(*, number: int, content_type: str, size: int) -> str:
    """Link text for an attachment, in the reader's language."""
    return _("Attachment %(number)s (%(kind)s, %(size)s)") % {
        "number": number,
        "kind": KINDS[content_type],
        "size": filesizeformat(size),
    }


def listing(proposal: Proposal) -> list[SimpleNamespace]:
    """A proposal's attachments with neutral labels, numbered in upload order.

    Rows stored before names were neutral still hold the original name, so the label is
    built from the number, type and size and `Attachment.name` is never shown.
    """
    return [
        SimpleNamespace(
            pk=item.pk, label=label(number=n, content_type=item.content_type, size=item.size)
        )
        for n, item in enumerate(proposal.attachments.order_by("pk"), start=1)
    ]


def download_name(item: Attachment) -> str:
    """The filename sent with a download: the same number the proposal page shows."""
    number = Attachment.objects.filter(proposal_id=item.proposal_id, pk__lte=item.pk).count()
    return neutral_filename(
        proposal_id=item.proposal_id, number=number, content_type=item.content_type
    )


# Metadata --------------------------------------------------------------------------------


def _clean_image(data: bytes, content_type: str) -> bytes:
    accepted, target = IMAGE_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels; such an image would take
            # gigabytes to decode, so it is refused like a bigger one.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=accepted) as source:
                source.load()
                # Orientation lives in EXIF, which is dropped: turn the pixels upright first.
                image = ImageOps.exif_transpose(source)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(_("The image has too many pixels. Please send a smaller photo.")) from exc
    except Exception as exc:
        # Pillow signals a damaged or disguised file with many exception types
        # (OSError, SyntaxError, ValueError, struct.error...): all mean "not an image".
        raise _unreadable() from exc
    # Pillow writes what `info` holds (comment, ICC profile, EXIF, XMP, text chunks) back
    # into the saved file, so only the pixel data and the transparent colour survive.
    image.info = {key: image.info[key] for key in KEPT_IMAGE_INFO if key in image.info}
    out = io.BytesIO()
    if target == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise _unreadable()
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    for key in PDF_METADATA_KEYS:
                        if key in obj:
                            del obj[key]
            # Files embedded in the PDF keep their own names and metadata, and would
            # smuggle in types the JPEG/PNG/PDF allowlist refuses.
            for name in list(pdf.attachments):
                del pdf.attachments[name]
            out = io.BytesIO()
            # A deterministic /ID replaces the one the author's software generated.
            pdf.save(out, deterministic_id=True, fix_metadata_version=False, preserve_pdfa=False)
            return out.getvalue()
    except pikepdf.PasswordError as exc:
        raise _refuse(_("Password-protected PDFs are not accepted.")) from exc
    except pikepdf.PdfError as exc:
        raise _unreadable() from exc


def clean_bytes(data: bytes, *, content_type: str) -> bytes:
    """The file's content without metadata; ValidationError if it cannot be parsed."""
    if content_type == "application/pdf":
        return _clean_pdf(data)
    return _clean_image(data, content_type)


def clean_file(*, proposal: Proposal, upload, content_type: str) -> ContentFile:
    """The upload without its metadata, under a neutral name; ValidationError if unreadable.

    Nothing is written here: storage happens only when the Attachment row is saved.
    """
    upload.seek(0)
    cleaned = clean_bytes(upload.read(), content_type=content_type)
    number = proposal.attachments.count() + 1
    name = neutral_filename(proposal_id=proposal.pk, number=number, content_type=content_type)
    return ContentFile(cleaned, name=name)


# Oversized requests ----------------------------------------------------------------------


class UploadTooLarge(MultiPartParserError):
    """A multipart body larger than UPLOAD_MAX_BYTES.

    Django answers a MultiPartParserError with its 400 handler whatever DEBUG is, and
    marks the request's POST as unparsed, so nothing reads the body afterwards.
    """


class SizeLimitUploadHandler(FileUploadHandler):
    """First upload handler: refuses by Content-Length before a byte of the body is read.

    DATA_UPLOAD_MAX_MEMORY_SIZE only counts form fields and FILE_UPLOAD_MAX_MEMORY_SIZE
    only decides memory or disk, so without this a 500 MB body would be streamed to a
    temporary file before the form could say it is too big.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = getattr(settings, "UPLOAD_MAX_BYTES", None)
        if limit is not None and content_length > limit:
            raise UploadTooLarge(f"Multipart body of {content_length} bytes over {limit}")
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler stores the file

    def file_complete(self, file_size):
        return None


def bad_request(request, exception, template_name="400.html"):
    """handler400: an oversized upload gets a 413 page saying so; the rest Django's 400."""
    if isinstance(exception, UploadTooLarge):
        return render(request, "forums/upload_too_large.html", status=413)
    return defaults.bad_request(request, exception, template_name=template_name)


def file_response(file, *, content_type: str, name: str) -> FileResponse:
    """A cleaned image or PDF, opened in the browser under a neutral name, never sniffed."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
