"""Refuse an oversized upload before storing any of it.

Django's own handlers write an upload to memory or a temporary file in full, and only then can a
form see its size. This handler runs first: when the request's declared length is over the
evidence limit plus room for the multipart envelope, each file in it is passed over without
being kept and reaches the form as an ``OversizedUpload`` whose size is the request's. The form's
own size check then refuses it with its usual message, so the limit and its wording stay in one
place (``assessments/evidence_files.py``). The smaller framework-file limit is checked by its
form as before.

Django never reads past the declared length (WSGI's LimitedStream), so a body cannot carry more
than it declared. The rest of an oversized body is still read and discarded, so that the browser
gets the error page rather than a reset connection; in production nginx refuses bodies over
11 MB before Django sees them.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

from assessments.evidence_files import MAX_EVIDENCE_BYTES

# The form fields, part headers and boundaries around a file: a few hundred bytes in practice.
ENVELOPE_BYTES = 64 * 1024
MAX_REQUEST_BYTES = MAX_EVIDENCE_BYTES + ENVELOPE_BYTES


class _NotKept(io.RawIOBase):
    """Stands in for content that was never stored, so no caller can store it truncated."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise ValueError("An oversized upload's content was not kept; check its size first.")


class OversizedUpload(UploadedFile):
    """A file from a request too large to accept: its name and size, never its content."""

    def __init__(self, *, name: str, content_type: str, size: int) -> None:
        super().__init__(file=_NotKept(), name=name, content_type=content_type, size=size)


class OversizedUploadHandler(FileUploadHandler):
    """First of the upload handlers: takes over every file of an oversized request."""

    def handle_raw_input(self, input_data, meta, content_length: int, boundary, encoding=None):
        self.request_length = content_length
        self.oversized = content_length > MAX_REQUEST_BYTES

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.oversized:
            # The memory and temporary-file handlers after this one never open the file.
            raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None if self.oversized else raw_data

    def file_complete(self, file_size: int) -> OversizedUpload | None:
        if not self.oversized:
            return None
        return OversizedUpload(
            name=self.file_name, content_type=self.content_type, size=self.request_length
        )
