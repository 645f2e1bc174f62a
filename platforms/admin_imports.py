"""An "Import LCPCs" admin view on the platform admin: upload, dry-run preview, confirm.

Between the preview and the confirmation the file waits in django-import-export's temporary
storage (`IMPORT_EXPORT_TMP_STORAGE_CLASS`, a temporary folder by default), so the confirm
step posts only the stored file's name, however large the file.
"""

from io import BytesIO
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.forms import ConfirmImportForm
from import_export.tmp_storages import TempFolderStorage

from platforms.imports import FORMATS, dataset_from_file, lcpc_import
from platforms.models import Committee, ImportJob
from platforms.tasks_imports import import_async_rows, import_job_confirm, import_job_create


class LcpcImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8) or XLSX with a header row: name, territory, head, head_email, members."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and preview, import nothing"),
        initial=True,
        required=False,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["raw"] = b"".join(upload.chunks())
            data["dataset"] = _dataset(data["raw"], upload.name)
        return data


def _dataset(raw: bytes, name: str):
    stream = BytesIO(raw)
    stream.name = name
    return dataset_from_file(stream)


def tmp_storage_class():
    """The temporary storage django-import-export is configured with."""
    storage = getattr(settings, "IMPORT_EXPORT_TMP_STORAGE_CLASS", TempFolderStorage)
    return import_string(storage) if isinstance(storage, str) else storage


def _tmp_storage(name: str | None = None):
    # bytes in, bytes out: XLSX is binary, and CSV is decoded (UTF-8, BOM or not) on reading
    return tmp_storage_class()(name=name, read_mode="rb", encoding=None)


class LcpcImportAdminMixin:
    """Mix into PlatformAdmin: adds /admin/platforms/platform/import-lcpcs/ (superusers only)."""

    lcpc_import_template = "admin/platforms/lcpc_import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_lcpcs"
        view = self.admin_site.admin_view(self.lcpc_import_view)
        job = self.admin_site.admin_view(self.lcpc_job_view)
        return [
            path("import-lcpcs/", view, name=name),
            path("import-lcpcs/jobs/<int:pk>/", job, name=f"{name}_job"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_lcpcs": request.user.is_superuser}
        return super().changelist_view(request, extra_context)

    def lcpc_import_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        if request.method == "POST" and "import_file_name" in request.POST:
            return self._lcpc_confirm(request)
        posted = request.method == "POST"
        form = LcpcImportForm(request.POST, request.FILES) if posted else LcpcImportForm()
        report = confirm_form = None
        if posted and form.is_valid() and len(form.cleaned_data["dataset"]) > import_async_rows():
            # a national file: a worker imports it, this page shows its progress
            upload = form.cleaned_data["file"]
            job = import_job_create(
                raw=form.cleaned_data["raw"],
                original_name=upload.name,
                rows=len(form.cleaned_data["dataset"]),
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
            return redirect(self._job_url(job))
        if posted and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            report = lcpc_import(
                dataset=form.cleaned_data["dataset"], dry_run=dry_run, actor=request.user
            )
            if report.ok and not dry_run:
                return self._lcpc_done(request, report)
            if report.ok:
                storage = _tmp_storage()
                storage.save(form.cleaned_data["raw"])
                upload = form.cleaned_data["file"]
                confirm_form = ConfirmImportForm(
                    initial={
                        "import_file_name": Path(storage.name).name,
                        "original_file_name": upload.name,
                        "format": Path(upload.name).suffix.lower(),
                    }
                )
        return self._lcpc_page(request, form=form, report=report, confirm_form=confirm_form)

    def _job_url(self, job: ImportJob) -> str:
        from django.urls import reverse

        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_lcpcs_job"
        return reverse(name, kwargs={"pk": job.pk})

    def lcpc_job_view(self, request, pk: int):
        """A background import: state, progress and errors; refreshes itself until finished
        (a meta refresh, so it works without JavaScript); confirms a clean dry run."""
        if not request.user.is_superuser:
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=pk)
        if request.method == "POST" and "confirm" in request.POST:
            try:
                real = import_job_confirm(job=job, actor=request.user)
            except ValidationError:
                messages.error(
                    request, _("Only a finished dry run without errors can be imported.")
                )
            else:
                return redirect(self._job_url(real))
        if job.state == ImportJob.State.DONE and not job.dry_run:
            messages.success(
                request,
                ngettext("%(count)d LCPC imported.", "%(count)d LCPCs imported.", job.created)
                % {"count": job.created},
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import LCPCs"),
            "job": job,
            "refresh_seconds": 3,
        }
        return TemplateResponse(request, "admin/platforms/import_job.html", context)

    def _lcpc_confirm(self, request):
        """Import the file stored at the preview; it is removed once imported."""
        confirm = ConfirmImportForm(request.POST)
        report, error = None, _("The previewed file is no longer stored: upload it again.")
        if confirm.is_valid() and confirm.cleaned_data["format"] in FORMATS:
            storage = _tmp_storage(confirm.cleaned_data["import_file_name"])
            try:
                raw = storage.read()
            except (OSError, TypeError):
                raw = None
            if raw:
                try:
                    dataset = _dataset(raw, f"file{confirm.cleaned_data['format']}")
                except ValidationError as exc:
                    error = " ".join(exc.messages)
                else:
                    report = lcpc_import(dataset=dataset, dry_run=False, actor=request.user)
                    if report.ok:
                        storage.remove()
                        return self._lcpc_done(request, report)
                    error = ""
        return self._lcpc_page(
            request, form=LcpcImportForm(), report=report, confirm_form=None, error=error
        )

    def _lcpc_done(self, request, report):
        messages.success(
            request,
            ngettext("%(count)d LCPC imported.", "%(count)d LCPCs imported.", report.created)
            % {"count": report.created},
        )
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def _lcpc_page(self, request, *, form, report, confirm_form, error=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import LCPCs"),
            "form": form,
            "report": report,
            "confirm_form": confirm_form,
            "error": error,
            "committees": Committee.objects.all(),
        }
        return TemplateResponse(request, self.lcpc_import_template, context)
