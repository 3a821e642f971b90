from django import template

from apps.accounts import access, otp

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """{% if user|may_import %}: the Imports link, for those the import pages let in (analysts and admins),
    once the session has passed its second factor."""
    return access.may_import(user) and otp.is_verified(user)
