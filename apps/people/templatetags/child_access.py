from django import template

from apps.accounts import access

register = template.Library()


@register.filter
def sees_child_level(user) -> bool:
    """{% if user|sees_child_level %}: show links to child-level pages only to roles that may open them."""
    return access.sees_child_level(user)
