from platforms.permissions import is_liaison_officer


def roles(request):
    """Whether to show the liaison dashboard link; computed lazily, only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_liaison": lambda: is_liaison_officer(user)}
