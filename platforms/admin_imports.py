"""An "Import LCPCs" admin view on the platform admin: upload, dry-run preview, confirm."""

import base64
import binascii
from io import BytesIO

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from platforms.imports import dataset_from_file, lcpc_import


class LcpcImportForm(forms.Form):
    """A new upload, or (on confirm) the same file's content carried back in hidden fields."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "CSV (UTF-8) or XLSX with a header row: name, territory, head, head_email, members."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and preview, import nothing"),
        initial=True,
        required=False,
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            raw, name = upload.read(), upload.name
        elif data.get("content"):
            try:
                raw = base64.b64decode(data["content"], validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValidationError(_("Upload the file again.")) from exc
            name = data.get("filename") or ""
        else:
            raise ValidationError(_("Choose a CSV or XLSX file."))
        stream = BytesIO(raw)
        stream.name = name
        data["dataset"] = dataset_from_file(stream)
        data["content"] = base64.b64encode(raw).decode("ascii")
        data["filename"] = name
        return data


class LcpcImportAdminMixin:
    """Mix into PlatformAdmin: adds /admin/platforms/platform/import-lcpcs/ (superusers only)."""

    lcpc_import_template = "admin/platforms/lcpc_import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_lcpcs"
        view = self.admin_site.admin_view(self.lcpc_import_view)
        return [path("import-lcpcs/", view, name=name), *super().get_urls()]

    def lcpc_import_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        posted = request.method == "POST"
        form = LcpcImportForm(request.POST, request.FILES) if posted else LcpcImportForm()
        report = confirm_form = None
        if posted and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            report = lcpc_import(
                dataset=form.cleaned_data["dataset"], dry_run=dry_run, actor=request.user
            )
            if report.ok and not dry_run:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d LCPC imported.", "%(count)d LCPCs imported.", report.created
                    )
                    % {"count": report.created},
                )
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            if report.ok:
                confirm_form = LcpcImportForm(
                    initial={
                        "content": form.cleaned_data["content"],
                        "filename": form.cleaned_data["filename"],
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import LCPCs"),
            "form": form,
            "report": report,
            "confirm_form": confirm_form,
        }
        return TemplateResponse(request, self.lcpc_import_template, context)
