from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from accounts.services import outbox_email_queue


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        name = getattr(form, "cleaned_data", {}).get("display_name")
        if name:
            user.display_name = name
        if not user.username:
            user.username = user.email.lower()
        lang = getattr(request, "LANGUAGE_CODE", "")
        if lang and not user.preferred_language:
            user.preferred_language = lang
        if commit:
            user.save()
        return user

    def login(self, request, user):
        """Sign in; an account with no language yet keeps the one the person is reading, so
        their notifications and e-mails come in it."""
        response = super().login(request, user)
        lang = getattr(request, "LANGUAGE_CODE", "")
        if lang and not user.preferred_language:
            user.preferred_language = lang
            user.save(update_fields=["preferred_language"])
        return response

    def send_mail(self, template_prefix, email, context):
        """Render allauth's e-mail as allauth does, then queue it in the outbox.

        Never sent inline: a mail server that is down or slow must not fail sign-up, password
        reset or a sign-in code, and the relay retries what it cannot send.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        body, html_body = message.body, ""
        if message.content_subtype == "html":
            body, html_body = strip_tags(message.body), message.body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = content
        for to in message.to:
            outbox_email_queue(to=to, subject=message.subject, body=body, html_body=html_body)

    def pre_authenticate(self, request, **credentials):
        """Point a locked-out visitor to the e-mailed code, which the password lock leaves open.

        Anyone can lock an address's password login with five wrong passwords; the owner still
        receives the code and signs in with it.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code != "too_many_login_attempts":
                raise
            message = gettext(
                "Too many failed sign-in attempts. Try again in a few minutes, or "
                '<a href="%(url)s">sign in with a code sent to your e-mail</a>.'
            ) % {"url": escape(reverse("account_request_login_code"))}
            # The only HTML is the link above, from our own catalogue; the URL is escaped
            # (hence the nosec for bandit's mark_safe checks).
            raise ValidationError(mark_safe(message), code=exc.code) from exc  # noqa: S308 # nosec
