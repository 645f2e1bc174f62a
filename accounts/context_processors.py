def notifications(request):
    """Unread notification count for the header; computed lazily, only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        from accounts.selectors import unread_count

        return unread_count(user)

    return {"unread_notifications": unread}
