"""Who-made-this metadata is removed from files of suggestions: photo EXIF, Office and PDF author fields."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.app import App
from handlers.metadata import scrub
from handlers.types import AttachmentKind
from storage.models import AttachmentRow
from tests.support import REGISTRATION_SCRIPT, Chat, play

NAME = "Nguyễn Thị Bí Mật".encode()


def jpeg_with_exif() -> bytes:
    exif = b"Exif\x00\x00" + b"Artist=" + NAME
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"\xff\xfe" + struct.pack(">H", len(NAME) + 2) + NAME
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x12\x34\x56" + b"\xff\xd9"
    return b"\xff\xd8" + app0 + app1 + comment + scan


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_text() -> bytes:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    text = png_chunk(b"tEXt", b"Author\x00" + NAME)
    data = png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + text + data + png_chunk(b"IEND", b"")


def test_jpeg_loses_exif_and_comments_but_keeps_the_image() -> None:
    original = jpeg_with_exif()
    cleaned = scrub(original, "anh.jpg")
    assert NAME not in cleaned and b"Exif" not in cleaned
    assert cleaned.startswith(b"\xff\xd8\xff\xe0") and cleaned.endswith(b"\x12\x34\x56\xff\xd9")


def test_png_loses_text_chunks_but_keeps_the_image() -> None:
    cleaned = scrub(png_with_text(), "anh.png")
    assert NAME not in cleaned
    assert b"IHDR" in cleaned and b"IDAT" in cleaned and cleaned.endswith(png_chunk(b"IEND", b""))


def test_excel_workbook_loses_its_author_and_still_opens() -> None:
    book = Workbook()
    book.properties.creator = NAME.decode()
    book.properties.lastModifiedBy = NAME.decode()
    book.active["A1"] = "Số liệu"
    buffer = io.BytesIO()
    book.save(buffer)
    cleaned = scrub(buffer.getvalue(), "so-lieu.xlsx")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        assert NAME not in archive.read("docProps/core.xml")
    reopened = load_workbook(io.BytesIO(cleaned))
    assert reopened.active["A1"].value == "Số liệu"


def test_pdf_author_is_blanked_without_moving_any_byte() -> None:
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Author (" + NAME + b") /Title (De xuat) >>\nendobj\n%%EOF\n"
    cleaned = scrub(pdf, "de-xuat.pdf")
    assert NAME not in cleaned and len(cleaned) == len(pdf) and b"/Title (De xuat)" in cleaned


def test_unknown_or_broken_files_are_left_as_they_are() -> None:
    assert scrub(b"plain text", "ghi-chu.txt") == b"plain text"
    assert scrub(b"\xff\xd8\x00broken", "anh.jpg") == b"\xff\xd8\x00broken"


async def test_a_photo_sent_with_a_suggestion_is_stored_without_its_exif(app: App) -> None:
    chat = Chat(app.core.handle, "611")
    await play(chat, REGISTRATION_SCRIPT)
    await chat.say("/hienke")
    await chat.say("1")
    await chat.say("Đề nghị bố trí thêm một máy lấy số thứ tự tại bộ phận một cửa để người dân chờ ít hơn.")
    await chat.send_file("may-lay-so.jpg", jpeg_with_exif(), kind=AttachmentKind.PHOTO)
    assert "Đã nhận tệp «may-lay-so.jpg»" in chat.text
    async with app.database.unit_of_work() as store:
        key = (await store.session.execute(select(AttachmentRow.storage_key))).scalars().one()
    stored = await app.files.get(key)
    assert NAME not in stored and stored.startswith(b"\xff\xd8")
