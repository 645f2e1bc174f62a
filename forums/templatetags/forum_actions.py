"""The platform page's forum buttons, decided by forums' own checks (platforms cannot import
forums, and its page must not copy forums' rules)."""

from django import template

from forums import permissions

register = template.Library()


@register.inclusion_tag("forums/_platform_actions.html", takes_context=True)
def platform_forum_actions(context, platform):
    user = context["request"].user
    member = permissions.can_create_proposal(user, platform)
    return {
        "platform": platform,
        "can_propose": member,
        # the link for any signed-in non-member; the page itself asks for a verified e-mail
        "can_raise": not member and user.is_authenticated and permissions.takes_problems(platform),
        "can_record": permissions.can_record_proposal(user, platform),
    }
