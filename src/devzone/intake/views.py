"""Pages for imports: upload, preview with the user's decision, result, the list of past batches, and the
downloads (original file, rejected rows, blank template, current data in the import layout)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.core.exports import ExportColumn, write_xlsx
from devzone.intake import selectors, services
from devzone.intake.forms import BatchFilterForm, UploadForm
from devzone.intake.models import ImportBatch
from devzone.intake.registry import adapter_choices
from devzone.web.tables import Column, render_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REJECTED_PER_PAGE = 100
RECENT = 10


def kind_title(kind: str) -> str:
    return dict(adapter_choices()).get(kind, kind)


BATCH_COLUMNS = [
    Column("id", gettext_lazy("Batch"), lambda b: f"#{b.pk}", link=lambda b: b.get_absolute_url(), width=8),
    Column("created", gettext_lazy("uploaded at"), lambda b: timezone.localtime(b.created_at).strftime(
        "%Y-%m-%d %H:%M"), sort="created", width=18),
    Column("kind", gettext_lazy("Import kind"), lambda b: kind_title(b.kind), sort="kind", width=10),
    Column("file", gettext_lazy("file name"), lambda b: b.original_name, sort="file", width=30),
    Column("user", gettext_lazy("uploaded by"), lambda b: str(b.created_by) if b.created_by else _("system")),
    Column("status", gettext_lazy("status"), lambda b: b.get_status_display(), sort="status", width=10),
    Column("rows", gettext_lazy("data rows"), lambda b: b.data_rows, sort="rows", kind="number", width=10),
    Column("rejected", gettext_lazy("rejected rows"), lambda b: b.rejected_rows, sort="rejected", kind="number",
           width=10),
    Column("created_count", gettext_lazy("created"), lambda b: b.created_count, kind="number", width=10),
    Column("updated_count", gettext_lazy("updated"), lambda b: b.updated_count, kind="number", width=10),
]


def _batch_or_404(request: HttpRequest, pk: int) -> ImportBatch:
    try:
        return selectors.batch_get(user=request.user, batch_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            data = services.read_upload(upload_file)
            batch = services.batch_create(actor=request.user, kind=form.cleaned_data["kind"], data=data,
                                          filename=upload_file.name)
        except DomainError as exc:
            form.add_error("file" if exc.code == "file_refused" else None, exc.message)
        else:
            return redirect("intake:batch", batch.pk)
    recent = list(selectors.batch_list(user=request.user)[:RECENT])
    return render(request, "intake/upload.html", {"form": form, "title": _("Import data"), "recent": recent,
                                                  "kinds": adapter_choices()})


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    form = BatchFilterForm(request.GET or None)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="intake/batch_list.html", title=_("Import batches"),
                       queryset=selectors.batch_list(user=request.user, filters=filters), columns=BATCH_COLUMNS,
                       form=form, export_name=_("Import batches"))


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: valid rows (the first 200), every rejected row (paged), warnings and the decision."""
    batch = _batch_or_404(request, pk)
    if not batch.can_commit:
        return redirect("intake:result", pk)
    preview = batch.preview or {}
    rejected = Paginator(preview.get("rejected", []), REJECTED_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "intake/preview.html", {
        "batch": batch, "preview": preview, "rejected": rejected, "kind_title": kind_title(batch.kind),
        "title": _("Preview of %(file)s") % {"file": batch.original_name},
        "counts": preview.get("counts", {}), "sample": preview.get("sample", {}),
    })


@login_required
@require_POST
def batch_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        services.batch_commit(actor=request.user, batch=batch, mode=request.POST.get("mode", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("intake:batch", pk)
    return redirect("intake:result", pk)  # the result page states what was written


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        services.batch_cancel(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("intake:result", pk)


@login_required
def batch_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    if batch.status == ImportBatch.Status.PREVIEWED:
        return redirect("intake:batch", pk)
    return render(request, "intake/result.html", {
        "batch": batch, "kind_title": kind_title(batch.kind), "preview": batch.preview or {},
        "counts": (batch.preview or {}).get("counts", {}), "data_url": _data_url(batch.kind),
        "title": _("Import result of %(file)s") % {"file": batch.original_name},
    })


def _data_url(kind: str) -> str | None:
    """The list page of the imported objects, when the adapter names one."""
    from django.urls import NoReverseMatch, reverse

    from devzone.core.errors import ValidationFailed
    from devzone.intake.registry import adapter_class

    try:
        name = adapter_class(kind).list_url_name
        return reverse(name) if name else None
    except (ValidationFailed, NoReverseMatch):
        return None


@login_required
def batch_file(request: HttpRequest, pk: int) -> FileResponse:
    batch = _batch_or_404(request, pk)
    try:
        handle = batch.file.open("rb")
    except OSError as exc:
        raise Http404(_("The original file is no longer stored.")) from exc
    return FileResponse(handle, as_attachment=True, filename=batch.original_name)


@login_required
def rejected_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """Every rejected row with its Excel row number and reasons, to fix and upload again."""
    batch = _batch_or_404(request, pk)
    rows = [[r["row"], r.get("label", ""), ";".join(r["reasons"])] for r in (batch.preview or {}).get("rejected", [])]
    columns = [ExportColumn(_("Excel row"), 10), ExportColumn(_("name or code"), 30), ExportColumn(_("reasons"), 80)]
    content = write_xlsx(title=_("Rejected rows of %(file)s") % {"file": batch.original_name}, columns=columns,
                         rows=rows)
    return _xlsx(content, f"rejected-{batch.pk}.xlsx")


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        content, _rows = services.export_workbook(actor=request.user, kind=kind, template=True)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return _xlsx(content, f"{kind_title(kind)}-template.xlsx")


@login_required
def export_download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        content, _rows = services.export_workbook(actor=request.user, kind=kind)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return _xlsx(content, f"{kind_title(kind)}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
