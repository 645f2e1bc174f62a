"""Attachments never unmask a protected author: no original name, no metadata, no huge bodies.

Files go through the real "new proposal" view with the test client and come back through the
public download URL, as an anonymous visitor would fetch them.
"""

import io
from pathlib import Path

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from PIL import Image

from forums import services
from forums.models import Attachment, Proposal
from tests.support import uploads

ORIGINAL = "Marat_Member_Kok-Jar_witness_statement"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _post(client, forum, alice, filename, data, content_type):
    client.force_login(alice)
    return client.post(
        reverse("forums:proposal_new", args=[forum.slug]),
        {
            "title": "Checkpoint extortion",
            "body": "What I saw at the checkpoint.",
            "category": "other",
            "save_as": "submit",
            "protect_author": "on",
            "attachment": SimpleUploadedFile(filename, data, content_type=content_type),
        },
    )


def _upload(client, forum, alice, filename, data, content_type) -> Attachment:
    response = _post(client, forum, alice, filename, data, content_type)
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
    return Attachment.objects.get()


def _download(client, item) -> tuple[bytes, object]:
    client.logout()
    response = client.get(reverse("forums:attachment", args=[item.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


def _close(a, b, tolerance=24) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_jpeg_loses_exif_gps_xmp_and_comment_but_keeps_its_pixels(client, forum, alice):
    item = _upload(client, forum, alice, f"{ORIGINAL}.jpg", uploads.jpeg(), "image/jpeg")
    body, response = _download(client, item)
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(0x8825)  # no GPS
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    assert b"Marat" not in body and b"Exif" not in body
    assert image.size == (64, 32)
    assert _close(image.convert("RGB").getpixel((8, 16)), uploads.LEFT)
    assert _close(image.convert("RGB").getpixel((56, 16)), uploads.RIGHT)
    assert item.size == len(body)


def test_jpeg_is_turned_upright_before_its_orientation_tag_is_dropped(client, forum, alice):
    # orientation 6: the viewer must turn the stored pixels 90 degrees clockwise
    item = _upload(client, forum, alice, "p.jpg", uploads.jpeg(orientation=6), "image/jpeg")
    image = Image.open(io.BytesIO(_download(client, item)[0])).convert("RGB")
    assert image.size == (32, 64)
    assert _close(image.getpixel((16, 8)), uploads.LEFT)  # the left half is now on top
    assert _close(image.getpixel((16, 56)), uploads.RIGHT)


def test_png_loses_text_chunks_xmp_and_exif(client, forum, alice):
    item = _upload(client, forum, alice, f"{ORIGINAL}.png", uploads.png(), "image/png")
    body, response = _download(client, item)
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and response["Content-Type"] == "image/png"
    assert image.text == {}
    assert dict(image.getexif()) == {}
    assert b"Marat" not in body
    assert image.convert("RGB").getpixel((8, 16)) == uploads.LEFT  # lossless
    assert image.convert("RGB").getpixel((56, 16)) == uploads.RIGHT


def test_pdf_loses_its_document_info_and_xmp(client, forum, alice):
    item = _upload(client, forum, alice, f"{ORIGINAL}.pdf", uploads.pdf(), "application/pdf")
    body, response = _download(client, item)
    assert response["Content-Type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        assert len(pdf.docinfo.keys()) == 0
        assert len(pdf.pages) == 1
    assert b"Marat" not in body


def test_the_original_file_name_is_nowhere_on_the_public_page_or_in_storage(
    client, forum, alice, media
):
    item = _upload(client, forum, alice, f"{ORIGINAL}.jpg", uploads.jpeg(), "image/jpeg")
    proposal = item.proposal
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Marat" not in page and "witness_statement" not in page
    assert f"Attachment 1 (JPEG, {filesizeformat(item.size)})" in page
    assert reverse("forums:attachment", args=[item.pk]) in page
    assert "Marat" not in item.name and "Marat" not in item.file.name
    assert item.name == f"proposal-{proposal.pk}-attachment-1.jpg"
    stored = [p.name for p in media.rglob("*") if p.is_file()]
    assert len(stored) == 1 and "Marat" not in stored[0]


def test_the_download_is_named_after_the_proposal_not_the_upload(client, forum, alice):
    item = _upload(client, forum, alice, f"{ORIGINAL}.pdf", uploads.pdf(), "application/pdf")
    _, response = _download(client, item)
    disposition = response["Content-Disposition"]
    assert "Marat" not in disposition
    assert disposition == f'inline; filename="proposal-{item.proposal_id}-attachment-1.pdf"'


def test_a_corrupt_pdf_is_refused_with_a_message_and_nothing_is_stored(client, forum, alice, media):
    corrupt = b"%PDF-1.7\n" + b"\x00 not really a pdf " * 50
    response = _post(client, forum, alice, "statement.pdf", corrupt, "application/pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == [
        "The file could not be read. Please send an undamaged JPEG, PNG or PDF."
    ]
    assert not Proposal.objects.exists() and not Attachment.objects.exists()
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_a_pdf_without_metadata_is_still_accepted(client, forum, alice):
    item = _upload(client, forum, alice, "plan.pdf", uploads.pdf(metadata=False), "application/pdf")
    with pikepdf.open(io.BytesIO(_download(client, item)[0])) as pdf:
        assert len(pdf.pages) == 1


class CountingInput:
    """A request body that records how much of it is read."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = b"x" * (65536 if size is None or size < 0 else min(size, 65536))
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        return self.read(size)


@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_an_oversized_upload_is_refused_before_its_body_is_read(forum, alice, enforce_csrf):
    # With CSRF enforced the middleware is first to touch request.POST; without, the view is.
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(alice)
    url = reverse("forums:proposal_new", args=[forum.slug])
    assert client.get(url).status_code == 200  # sets the CSRF cookie, as a browser has it
    body = CountingInput()
    response = client.generic(
        "POST",
        url,
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert "The file is larger than 5 MB" in response.content.decode()
    assert body.read_bytes == 0
    assert not Proposal.objects.exists()


def test_the_size_refusal_page_is_in_the_readers_language(forum, alice):
    client = Client(headers={"accept-language": "ru"})
    client.force_login(alice)
    response = client.generic(
        "POST",
        reverse("forums:proposal_new", args=[forum.slug]),
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **{"wsgi.input": CountingInput()},
    )
    assert response.status_code == 413
    assert '<html lang="ru"' in response.content.decode()


def test_other_bad_requests_keep_the_plain_400(client, forum, alice):
    client.force_login(alice)
    response = client.generic(
        "POST",
        reverse("forums:proposal_new", args=[forum.slug]),
        data=b"--xyz\r\nbroken",
        CONTENT_TYPE="multipart/form-data; boundary=",
    )
    assert response.status_code == 400


def test_files_stored_before_the_fix_are_cleaned_and_renamed_by_the_command(forum, alice, media):
    proposal = services.proposal_create(
        platform=forum, author=alice, title="Old", body="B", category="other", submit=True
    )
    # a row as the old code stored it: original name, bytes as uploaded
    old = Attachment.objects.create(
        proposal=proposal,
        file=SimpleUploadedFile(f"{ORIGINAL}.jpg", uploads.jpeg()),
        name=f"{ORIGINAL}.jpg",
        content_type="image/jpeg",
        size=1,
    )
    broken = Attachment.objects.create(
        proposal=proposal,
        file=SimpleUploadedFile("x.pdf", b"%PDF-1.4 plan"),
        name="x.pdf",
        content_type="application/pdf",
        size=13,
    )
    old_path = old.file.path
    call_command("sanitise_attachments", stdout=io.StringIO(), stderr=io.StringIO())
    old.refresh_from_db()
    assert old.name == f"proposal-{proposal.pk}-attachment-1.jpg"
    with old.file.open("rb") as f:
        body = f.read()
    assert b"Marat" not in body and dict(Image.open(io.BytesIO(body)).getexif()) == {}
    assert old.size == len(body)
    assert not Path(old_path).exists() and old.file.path != old_path
    broken.refresh_from_db()
    assert broken.name == "x.pdf"  # unreadable: reported and left as it was
    call_command("sanitise_attachments", stdout=io.StringIO(), stderr=io.StringIO())
    old.refresh_from_db()
    assert old.name == f"proposal-{proposal.pk}-attachment-1.jpg"  # idempotent
