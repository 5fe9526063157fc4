"""What an evidence upload really is, judged by its content rather than its name.

Accepted: PDF, Word (DOCX), Excel (XLSX), CSV, PNG and JPEG, at most 10 MB. An executable renamed
``report.pdf`` does not start like a PDF and is refused; so is a PDF renamed ``data.csv``.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_SIZE = f"{MAX_EVIDENCE_BYTES // (1024 * 1024)} MB"  # the limit in words
ACCEPTED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ACCEPTED_LIST = "PDF, DOCX, XLSX, CSV, PNG or JPG"


class EvidenceFileError(Exception):
    """Why a file cannot be accepted, in words for the person uploading it."""


def check_evidence_file(upload: UploadedFile) -> str:
    """Return the content type of an acceptable upload; raise EvidenceFileError otherwise."""
    if upload.size is None or upload.size == 0:
        raise EvidenceFileError("The selected file is empty.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise EvidenceFileError(f"The selected file must be smaller than {MAX_EVIDENCE_SIZE}.")
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ACCEPTED:
        raise EvidenceFileError(f"The selected file must be a {ACCEPTED_LIST}.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not _content_matches(extension, head, upload):
        raise EvidenceFileError(
            f"The selected file is not a real {extension[1:].upper()} file: its content does not "
            "match its name."
        )
    return ACCEPTED[extension]


def _content_matches(extension: str, head: bytes, upload: UploadedFile) -> bool:
    match extension:
        case ".pdf":
            return head.startswith(b"%PDF-")
        case ".png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        case ".jpg" | ".jpeg":
            return head.startswith(b"\xff\xd8\xff")
        case ".docx" | ".xlsx":
            return head.startswith(b"PK\x03\x04") and _office_part(
                upload, "word/" if extension == ".docx" else "xl/"
            )
        case _:
            return _plain_text(upload)


def _office_part(upload: UploadedFile, folder: str) -> bool:
    """An Office file is a zip holding [Content_Types].xml and its application folder."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _plain_text(upload: UploadedFile) -> bool:
    """CSV is text: no NUL bytes, and readable as UTF-8 or as Windows-1252 (Excel's export)."""
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False
