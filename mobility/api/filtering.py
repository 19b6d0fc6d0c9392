"""The API's filters and ordering (kept in ``partners.api_filtering`` so that the directory's endpoints use them too)."""

from partners.api.filtering import (
    ORDERING_PARAM,
    BooleanFilter,
    BoundedDateFilter,
    IdFilter,
    IntegerFilter,
    StrictOrderingFilter,
    UpdatedSinceFilter,
    centre_filter,
    centres_of_request,
    search_words,
    updated_since,
)

__all__ = [
    "ORDERING_PARAM",
    "BooleanFilter",
    "BoundedDateFilter",
    "IdFilter",
    "IntegerFilter",
    "StrictOrderingFilter",
    "UpdatedSinceFilter",
    "centre_filter",
    "centres_of_request",
    "search_words",
    "updated_since",
]
