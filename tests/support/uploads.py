"""Upload files built in memory, with the identifying metadata a phone or an office suite adds."""

import io

import pikepdf
from PIL import Image, PngImagePlugin

NAME = "Marat Member"
# the first two colours of the test pattern: left half and right half of the picture
LEFT, RIGHT = (200, 30, 30), (30, 30, 200)
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{NAME}"/></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)


def pattern(size=(64, 32)) -> Image.Image:
    image = Image.new("RGB", size, LEFT)
    image.paste(RIGHT, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif(orientation: int = 1) -> Image.Exif:
    data = Image.Exif()
    data[0x013B] = NAME  # Artist
    data[0x010F] = "Phone of " + NAME  # Make
    data[0x0112] = orientation
    gps = data.get_ifd(0x8825)
    gps[1], gps[2] = "N", (42.0, 52.0, 30.0)  # latitude of Kok-Jar
    gps[3], gps[4] = "E", (74.0, 35.0, 10.0)
    return data


def jpeg(orientation: int = 1, image: Image.Image | None = None) -> bytes:
    out = io.BytesIO()
    (image or pattern()).save(
        out,
        "JPEG",
        quality=95,
        exif=exif(orientation),
        comment=f"taken by {NAME}".encode(),
        xmp=XMP.encode(),
    )
    return out.getvalue()


def png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    info.add_itxt("Comment", f"statement of {NAME}")
    info.add_itxt("XML:com.adobe.xmp", XMP)
    out = io.BytesIO()
    pattern().save(out, "PNG", pnginfo=info, exif=exif())
    return out.getvalue()


def pdf(metadata: bool = True) -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 100))
    if metadata:
        document.docinfo["/Author"] = NAME
        document.docinfo["/Title"] = f"Witness statement of {NAME}"
        document.docinfo["/Creator"] = "Writer on the laptop of " + NAME
        document.docinfo["/Producer"] = "Office 7.5"
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [NAME]
            meta["dc:title"] = f"Witness statement of {NAME}"
    out = io.BytesIO()
    # uncompressed, so the name is visibly in the bytes a visitor would download
    document.save(out, compress_streams=False)
    return out.getvalue()
