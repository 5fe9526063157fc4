"""Pagination of every API list: pages of 50 by default, up to 500 when asked."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
