"""The meeting-intake page: paste a speech, review the draft tasks beside their source sentences, confirm."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from devzone.core.errors import DomainError, NotFound
from devzone.dispatch import permissions as perms
from devzone.dispatch import selectors
from devzone.dispatch.forms import departments_in_scope
from devzone.dispatch.intake import ConfirmedDraft, Review, confirm_drafts, draft_title, review_speech


def _meeting_or_404(request: HttpRequest, pk: int):
    try:
        meeting = selectors.meeting_get(user=request.user, meeting_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not perms.can_dispatch(request.user) or not perms.covers(request.user, meeting.region):
        raise Http404("无权在该会议下交办任务")
    return meeting


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _posted_rows(request: HttpRequest, review: Review, units: dict[int, object]) -> list[dict]:
    """The review rows as the user left them (checked, title, unit, date), over the extractor's proposal."""
    rows = []
    for draft in review.drafts:
        i = draft.index
        unit_id = request.POST.get(f"unit_{i}", "")
        rows.append({
            "draft": draft,
            "include": request.POST.get(f"include_{i}") == "on",
            "title": request.POST.get(f"title_{i}", draft_title(draft.sentence)),
            "unit": units.get(int(unit_id)) if unit_id.isdigit() else None,
            "due": _parse_date(request.POST.get(f"due_{i}", "")),
        })
    return rows


def _proposed_rows(review: Review) -> list[dict]:
    return [{"draft": d, "include": True, "title": draft_title(d.sentence), "unit": d.unit, "due": d.due_date}
            for d in review.drafts]


@login_required
def meeting_intake(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    units_qs = departments_in_scope(request.user).select_related("region").order_by("region__path", "name")
    units = {u.pk: u for u in units_qs}
    context = {"meeting": meeting, "units": list(units.values()), "title": f"{meeting.title} · 讲话转任务",
               "tab": "meetings", "text": request.POST.get("text", meeting.minutes)}
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None:
        return render(request, "dispatch/meeting_intake.html", context)
    try:
        review = review_speech(text=context["text"], meeting=meeting, units=units.values())
    except DomainError as exc:
        return render(request, "dispatch/meeting_intake.html", {**context, "error": exc.message})
    rows = _proposed_rows(review) if step == "extract" else _posted_rows(request, review, units)
    if step == "confirm":
        chosen = [ConfirmedDraft(title=r["title"], commitment=r["draft"].sentence, lead_unit=r["unit"],
                                 due_date=r["due"], row=r["draft"].index) for r in rows if r["include"]]
        try:
            tasks = confirm_drafts(actor=request.user, meeting=meeting, drafts=chosen)
        except DomainError as exc:
            context.update(error=exc.message, details=[d["message"] for d in exc.details])
        else:
            messages.success(request, f"已交办 {len(tasks)} 项任务")
            return redirect("dispatch:meeting", pk=meeting.pk)
    return render(request, "dispatch/meeting_intake_review.html", {**context, "review": review, "rows": rows})
