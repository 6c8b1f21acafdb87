"""Removing who-made-this metadata from files a user sends (photo EXIF, Office and PDF author fields), so
an attachment cannot name the sender of an anonymous suggestion. Pure byte processing, standard library only;
a file that cannot be parsed is returned unchanged."""

from __future__ import annotations

import io
import re
import struct
import zipfile

# JPEG segments that carry EXIF/XMP (APP1), IPTC/Photoshop (APP13) and comments (COM).
_JPEG_DROP = {0xE1, 0xED, 0xFE}
# PNG chunks that carry text, EXIF or a timestamp.
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Office Open XML properties that name people or organisations.
_OOXML_PEOPLE = re.compile(
    rb"(<(dc:creator|cp:lastModifiedBy|Company|Manager|dc:contributor)\b[^>]*>)(.*?)(</\2>)", re.DOTALL
)
# PDF Info dictionary entries; blanked in place, keeping the length so the cross-reference table stays valid.
_PDF_PEOPLE = re.compile(rb"/(Author|Creator|Producer)\s*\((.*?)(?<!\\)\)", re.DOTALL)
_XMP_PEOPLE = re.compile(rb"(<(dc:creator|xmp:CreatorTool|pdf:Producer)\b[^>]*>)(.*?)(</\2>)", re.DOTALL)


def scrub(content: bytes, file_name: str) -> bytes:
    name = file_name.lower()
    try:
        if content.startswith(b"\xff\xd8"):
            return _scrub_jpeg(content)
        if content.startswith(_PNG_SIGNATURE):
            return _scrub_png(content)
        if content.startswith(b"PK") and name.endswith((".docx", ".xlsx", ".pptx")):
            return _scrub_ooxml(content)
        if content.startswith(b"%PDF"):
            return _scrub_pdf(content)
    except (ValueError, struct.error, zipfile.BadZipFile):
        return content
    return content


def _scrub_jpeg(content: bytes) -> bytes:
    out = bytearray(content[:2])
    i = 2
    while i + 4 <= len(content):
        if content[i] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = content[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows, copied as it is
            out += content[i:]
            return bytes(out)
        (length,) = struct.unpack(">H", content[i + 2 : i + 4])
        segment = content[i : i + 2 + length]
        if marker not in _JPEG_DROP:
            out += segment
        i += 2 + length
    raise ValueError("JPEG without image data")


def _scrub_png(content: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    i = len(_PNG_SIGNATURE)
    while i + 8 <= len(content):
        (length,) = struct.unpack(">I", content[i : i + 4])
        kind = content[i + 4 : i + 8]
        chunk = content[i : i + 12 + length]
        if kind not in _PNG_DROP:
            out += chunk
        i += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise ValueError("PNG without IEND")


def _scrub_ooxml(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("docProps/core.xml", "docProps/app.xml"):
                data = _OOXML_PEOPLE.sub(rb"\1\4", data)
            out.writestr(item, data)
    return target.getvalue()


def _blank(match: re.Match[bytes]) -> bytes:
    return match.group(0)[: match.start(2) - match.start(0)] + b" " * len(match.group(2)) + b")"


def _blank_xml(match: re.Match[bytes]) -> bytes:
    return match.group(1) + b" " * len(match.group(3)) + match.group(4)


def _scrub_pdf(content: bytes) -> bytes:
    return _XMP_PEOPLE.sub(_blank_xml, _PDF_PEOPLE.sub(_blank, content))
