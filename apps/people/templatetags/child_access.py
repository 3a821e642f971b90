from django import template

from apps.accounts import access, otp

register = template.Library()


@register.filter
def sees_child_level(user) -> bool:
    """{% if user|sees_child_level %}: show links to child-level pages only to roles that may open them, and
    only once the session has passed its second factor (until then the pages would not open)."""
    return access.sees_child_level(user) and otp.is_verified(user)
