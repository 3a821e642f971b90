from rest_framework.permissions import BasePermission

from apps.accounts import access


class SeesChildLevel(BasePermission):
    """Only roles that may see child-level data (anonymous users and viewers get 403)."""

    message = "Child-level data is not available to your role."

    def has_permission(self, request, view):
        return access.sees_child_level(request.user)
