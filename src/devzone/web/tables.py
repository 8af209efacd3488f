"""One column definition drives a list page's table and its Excel export, so the two never disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from devzone.core import audit, security
from devzone.core.exports import ExportColumn, write_xlsx

MAX_EXPORT_ROWS = 200_000
INLINE_EXPORT_ROWS = 20_000  # larger exports run as a background job with a progress bar


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any]
    sort: str | None = None          # sort key understood by the selector
    kind: str = "text"               # text | money | number | bool | date
    link: Callable[[Any], str] | None = None
    width: int = 14
    sensitive: str = ""              # "phone" | "id_number": masked for roles that do not need it (core.security)

    def shown(self, obj: Any, *, mask: bool) -> Any:
        value = self.value(obj)
        return security.mask(self.sensitive, value) if mask and self.sensitive else value

    def export_column(self) -> ExportColumn:
        fmt = {"money": "#,##0.00", "number": "#,##0.##"}.get(self.kind)
        return ExportColumn(label=str(self.label), width=self.width, number_format=fmt)


@dataclass
class ListPage:
    """Everything a list template needs: the page of rows, columns, sort links and filter form."""

    title: str
    columns: Sequence[Column]
    page: Any
    form: Any
    sort: str
    total: int
    query: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    ledger: bool = False  # the list also exports as a ledger (台账, ?export=ledger)
    mask: bool = False

    def sort_links(self) -> list[dict]:
        links = []
        for column in self.columns:
            if not column.sort:
                links.append({"column": column, "url": None, "state": ""})
                continue
            state = "asc" if self.sort == column.sort else "desc" if self.sort == f"-{column.sort}" else ""
            next_sort = f"-{column.sort}" if state == "asc" else column.sort
            params = [*self._params(exclude={"sort", "page"}), ("sort", next_sort)]
            links.append({"column": column, "url": "?" + urlencode(params), "state": state})
        return links

    def rows(self) -> list[list[dict]]:
        return [[{"value": c.shown(obj, mask=self.mask), "kind": c.kind, "link": c.link(obj) if c.link else None}
                 for c in self.columns] for obj in self.page.object_list]

    def _params(self, exclude: set[str]) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.query if k not in exclude]

    def page_url(self, number: int) -> str:
        return "?" + urlencode([*self._params(exclude={"page"}), ("page", str(number))])

    @property
    def prev_url(self) -> str | None:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else None

    def export_url(self) -> str:
        return "?" + urlencode([*self._params(exclude={"page"}), ("export", "xlsx")])

    def ledger_url(self) -> str:
        return "?" + urlencode([*self._params(exclude={"page"}), ("export", "ledger")])


def clean_query(request: HttpRequest) -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.GET.lists() if k != "export" for v in values if v]


def xlsx_response(*, filename: str, title: str, columns: Sequence[Column], objects: Iterable[Any],
                  unit: str = "", mask: bool = False) -> HttpResponse:
    rows = ([c.shown(obj, mask=mask) for c in columns] for obj in objects)
    content = write_xlsx(title=title, columns=[c.export_column() for c in columns], rows=rows, unit=unit)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(f'{filename}-{stamp}.xlsx')}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def render_list(request: HttpRequest, *, template: str, title: str, queryset, columns: Sequence[Column],
                form, export_name: str, unit: str = "", per_page: int = 50, extra: dict | None = None,
                export_job: Callable[[], HttpResponse] | None = None,
                ledger: Callable[[], HttpResponse] | None = None) -> HttpResponse:
    """Render one page of `queryset`, or the whole filtered list as .xlsx when ?export=xlsx.

    With `export_job`, a list longer than INLINE_EXPORT_ROWS is exported by a background job instead.
    With `ledger`, ?export=ledger answers the filtered list as a ledger (台账, see reports.ledgers).
    """
    mask = any(c.sensitive for c in columns) and not security.sees_sensitive(request.user)
    if ledger is not None and request.GET.get("export") == "ledger":
        audit_export(request, title=title, masked=mask)
        return ledger()
    if request.GET.get("export") == "xlsx":
        if export_job is not None and queryset.count() > INLINE_EXPORT_ROWS:
            return export_job()
        audit_export(request, title=title, masked=mask)
        return xlsx_response(filename=export_name, title=title, columns=columns,
                             objects=queryset[:MAX_EXPORT_ROWS].iterator(chunk_size=2000), unit=unit, mask=mask)
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    listing = ListPage(title=title, columns=columns, page=page, form=form, sort=request.GET.get("sort", ""),
                       total=paginator.count, query=clean_query(request), extra=extra or {},
                       ledger=ledger is not None, mask=mask)
    return render(request, template, {"listing": listing, "title": title, **(extra or {})})


def audit_export(request: HttpRequest, *, title: str, masked: bool) -> None:
    """Data leaving the system is an audit event (等保): who exported which list with which filters."""
    audit.record(actor=request.user, action="export", object_type="export", object_id=request.path[:64],
                 object_repr=str(title)[:200], after={"filters": clean_query(request), "masked": masked})
