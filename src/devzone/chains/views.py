"""Pages for the chain maps: the list, one chain's map (ECharts tree, click a link to see what is behind it), a
link's details, the gap list (按图索骥) with its Excel export, and the editing forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devzone.chains import selectors, services
from devzone.chains.forms import ChainForm, GapFilterForm, LinkForm
from devzone.chains.models import Chain
from devzone.core.errors import NotFound
from devzone.web.formflow import form_page
from devzone.web.tables import Column, xlsx_response


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    return render(request, "chains/chain_list.html", {"title": _("Industry chains"),
                                                      "summaries": selectors.chain_list(),
                                                      "can_edit": services.can_edit_chains(request.user)})


@login_required
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    chain, segments = _or_404(selectors.chain_map, chain_id=pk)
    tree = selectors.chain_tree_data(chain, segments, lambda link: reverse("chains:link", args=[link.pk]))
    return render(request, "chains/chain_detail.html", {
        "title": chain.name, "chain": chain, "segments": segments, "tree": tree,
        "can_edit": services.can_edit_chains(request.user)})


@login_required
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = _or_404(selectors.link_detail, user=request.user, link_id=pk)
    template = "chains/_link_panel.html" if request.headers.get("HX-Request") else "chains/link_detail.html"
    return render(request, template, {"title": detail.view.link.name, "detail": detail,
                                      "link": detail.view.link,
                                      "can_edit": services.can_edit_chains(request.user)})


GAP_COLUMNS = [
    Column("chain", gettext_lazy("industry chain"), lambda v: v.link.segment.chain.name, width=14),
    Column("segment", gettext_lazy("chain segment"), lambda v: v.link.segment.label, width=16),
    Column("link", gettext_lazy("chain link"), lambda v: v.link.name, width=18),
    Column("strength", gettext_lazy("strength"), lambda v: v.strength_label, width=8),
    Column("enterprises", gettext_lazy("local enterprises"), lambda v: v.enterprises, kind="number"),
    Column("projects", gettext_lazy("projects"), lambda v: v.projects, kind="number"),
    Column("leads", gettext_lazy("open leads"), lambda v: v.leads, kind="number"),
    Column("candidates", gettext_lazy("candidate targets"),
           lambda v: "、".join(t.name for t in v.candidates), width=60),
]


@login_required
def gap_list(request: HttpRequest) -> HttpResponse:
    form = GapFilterForm(request.GET or None)
    views = selectors.gap_list(user=request.user, filters=form.filters())
    title = _("Gap list")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(filename=title, title=title, columns=GAP_COLUMNS, objects=views)
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(request, "chains/gap_list.html", {"title": title, "form": form, "views": views,
                                                    "export_url": "?" + query.urlencode()})


@login_required
def chain_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="chains/form.html", form=ChainForm(request.POST or None),
                     save=lambda data: services.chain_create(actor=request.user, data=data),
                     success_message=_("Chain saved."), context={"title": _("New industry chain")})


@login_required
def chain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _or_404(selectors.chain_get, chain_id=pk)
    form = ChainForm(request.POST or None, instance=chain)
    return form_page(request, template="chains/form.html", form=form,
                     save=lambda data: services.chain_update(actor=request.user, chain=chain, data=data,
                                                             expected_updated_at=form.cleaned_data.get("updated_at")),
                     success_message=_("Chain saved."), context={"title": _("Edit %s") % chain})


def _save_link(request, form, link=None):
    def save(data: dict):
        enterprises = form.cleaned_data["enterprise_codes"]
        if link is None:
            saved = services.link_create(actor=request.user, data=data)
        else:
            saved = services.link_update(actor=request.user, link=link, data=data,
                                         expected_updated_at=form.cleaned_data.get("updated_at"))
        services.link_set_enterprises(actor=request.user, link=saved, enterprises=enterprises)
        return _ChainRedirect(saved)

    return save


class _ChainRedirect:
    def __init__(self, link) -> None:
        self.link = link

    def get_absolute_url(self) -> str:
        return reverse("chains:detail", args=[self.link.segment.chain_id])


@login_required
def link_create(request: HttpRequest, chain_pk: int) -> HttpResponse:
    chain = _or_404(selectors.chain_get, chain_id=chain_pk)
    form = LinkForm(request.POST or None, chain=chain)
    return form_page(request, template="chains/form.html", form=form, save=_save_link(request, form),
                     success_message=_("Link saved."), context={"title": _("New link in %s") % chain})


@login_required
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    link = _or_404(selectors.link_get, link_id=pk)
    chain: Chain = link.segment.chain
    form = LinkForm(request.POST or None, instance=link, chain=chain)
    return form_page(request, template="chains/form.html", form=form, save=_save_link(request, form, link),
                     success_message=_("Link saved."), context={"title": _("Edit %s") % link})
