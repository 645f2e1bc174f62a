from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.username:
            user.username = user.email.lower()
        lang = getattr(request, "LANGUAGE_CODE", "")
        if lang and not user.preferred_language:
            user.preferred_language = lang
        if commit:
            user.save()
        return user
