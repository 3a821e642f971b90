"""A size limit on file uploads, applied while the request body is read: an oversized upload is neither
kept in memory nor written anywhere, and the view is told so it can say why.

A view opts in with `upload_limit = "SETTING_NAME"` (the setting holding the most bytes its files may take
together, read on each request). `UploadLimitMiddleware`, placed before Django's CSRF middleware (whose check
is the first thing to read a POST body), puts an `UploadLimit` first among the request's upload handlers and
on the request as `request.upload_limit`; Django's own handlers after it keep small files in memory and
stream larger ones to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadLimit(FileUploadHandler):
    """Stops reading files once their bytes pass `limit`. A body whose declared length already exceeds it is
    refused before any file is read. The rest of the body is still read and dropped (not kept), so the
    browser gets the page saying why rather than a reset connection. The form's other fields (the CSRF token
    among them) come before its files and are read as usual."""

    # The multipart framing around the files: a body this much over the limit cannot be within it.
    FRAMING = 64 * 1024

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.body_length = 0
        self.exceeded = False

    @property
    def sent(self) -> int:
        """At least how many bytes were sent (for the message)."""
        return max(self.received, self.body_length - self.FRAMING, 0)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.body_length = content_length or 0
        if content_length and content_length > self.limit + self.FRAMING:
            self.exceeded = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        setting = getattr(view_class, "upload_limit", None)
        if setting and request.method == "POST":
            limit = UploadLimit(request, limit=getattr(settings, setting))
            request.upload_handlers.insert(0, limit)
            request.upload_limit = limit
