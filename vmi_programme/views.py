"""Pages of the core: the landing page, organisations, jobs."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from . import navigation
from .access import Action, actor_for, require, restrict, visible_organisations
from .models import Job, Organisation, Role

ROLE_INTROS = {
    Role.KPO_FACILITATOR: "Plan and log RPIWs, record follow-up measures, run L4L cohorts.",
    Role.KPO_LEAD: "Lead the improvement office: RPIW pipeline, training and the TGT report.",
    Role.EXECUTIVE: "Review your trust's dashboard and approve value-stream metric changes.",
    Role.REGULATOR: "View the partnership side by side and run the TGB.",
    Role.TGB_MEMBER: "Take part in the TGB: agendas, reflections on the compact, breaches.",
    Role.ANALYST: "Import data and run t-tests, interrupted time series, SPC and network analyses.",
    Role.TRUST_ADMIN: "Manage your trust's people: accounts, invitations, roles and leavers.",
    Role.ADMINISTRATOR: "Manage organisations, people, roles and programme configuration.",
}


def home(request):
    actor = actor_for(request.user)
    roles = [(Role(role).label, ROLE_INTROS[role]) for role in sorted(actor.roles)]
    organisation = (
        Organisation.objects.filter(pk=actor.organisation_id).first()
        if actor.organisation_id
        else None
    )
    return render(
        request,
        "vmi_programme/home.html",
        {
            "roles": roles,
            "organisation": organisation,
            "panels": navigation.panels_for(request.user),
            "sections": navigation.items_for(request.user),
        },
    )


def organisation_list(request):
    organisations = visible_organisations(request.user).order_by("kind", "short_name")
    return render(request, "vmi_programme/organisation_list.html", {"organisations": organisations})


def job_list(request):
    jobs = restrict(
        Job.objects.select_related("organisation", "requested_by"),
        request.user,
        Action.VIEW,
        null_is_partnership=True,
    )[:100]
    return render(request, "vmi_programme/job_list.html", {"jobs": jobs})


def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.select_related("organisation"), pk=pk)
    require(request.user, Action.VIEW, job)
    return render(request, "vmi_programme/job_detail.html", {"job": job})


def job_status(request, pk: int):
    """The JSON the progress partial polls until the job has finished."""
    job = get_object_or_404(Job, pk=pk)
    require(request.user, Action.VIEW, job)
    return JsonResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "message": job.progress_message,
            "finished": job.is_finished,
            "error": job.error,
        }
    )


@login_not_required
def error_404(request, exception=None):
    if request.path.startswith("/api/"):  # an API client reads the API's one error shape
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request):
    return render(request, "500.html", status=500)


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


@login_not_required
def error_400(request, exception=None):
    return render(request, "400.html", status=400)
