"""Cursor pagination in a stable order: (updated_at, id) for records, so a client pulling page after page while
others write sees every row; an edited row moves to the end and comes again with its new row_version."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class RecordCursorPagination(CursorPagination):
    ordering = ("updated_at", "pk")
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        self.page_size = getattr(settings, "API_PAGE_SIZE", 100)
        return super().get_page_size(request)


class IdCursorPagination(RecordCursorPagination):
    ordering = ("pk",)
