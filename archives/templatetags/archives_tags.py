"""Template helpers of the archives pages."""

from django import template

from bianzhi.roles import actor_name

register = template.Library()


@register.filter
def who(user) -> str:
    """A user's display name, or 系统 for records written by the system (no user)."""
    return actor_name(user)
