"""The people and accounts pages (/people/): a trust's people, their roles, invitations, leavers,
subject-access exports and erasure; and the invitation link's page (/invitations/<token>/).

Who may open what is the access policy's (``Action.MANAGE_USERS``, ``access.can_grant_role``):
people the user may not manage answer 404 (their names are not the user's to learn), an action
the user may not take on someone they can see answers 403. Writes go through ``user_admin`` and
``privacy``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import jobs, privacy, user_admin
from .access import Action, actor_for, can, relations, restrict, visible_organisations
from .exports import json_response
from .form_page import FORM_METHODS, ServiceErrorsMixin, form_page, posted
from .models import (
    AccountInvitation,
    Organisation,
    Person,
    Role,
    RoleAssignment,
)
from .pagination import PAGE_COUNT_CAP, CappedCountPaginator
from .person_picker import partnership_people
from .scope import Scope

PAGE_SIZE = 25


def may_open_people(user: Any) -> bool:
    """Whether /people/ is for this user: they manage users somewhere, or are a KPO lead (who
    gives their trust its administrator)."""
    actor = actor_for(user)
    return bool(relations(user, Action.MANAGE_USERS)) or bool(
        actor and actor.has_role(Role.KPO_LEAD)
    )


def manageable_people(user: Any) -> QuerySet[Person]:
    """People whose page the user may open: those of organisations where they manage users;
    the partnership's people for who grants the partnership's roles; a KPO lead's own trust."""
    condition = Q(pk__in=restrict(Person.objects.all(), user, Action.MANAGE_USERS).values("pk"))
    if can(user, Action.MANAGE_USERS, Scope.partnership()):
        condition |= Q(pk__in=partnership_people().values("pk"))
    actor = actor_for(user)
    if actor and actor.has_role(Role.KPO_LEAD) and actor.organisation_id:
        condition |= Q(organisation_id=actor.organisation_id)
    return Person.objects.filter(condition)


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(
        manageable_people(request.user).select_related("organisation", "user"), pk=pk
    )


def _require_manage(request: HttpRequest, person: Person) -> None:
    if not can(request.user, Action.MANAGE_USERS, person):
        raise PermissionDenied("You do not manage this person's organisation.")


# --- The list ---------------------------------------------------------------------------------

STATUSES = [
    ("active", "Has an account"),
    ("invited", "Invited"),
    ("none", "No account"),
    ("left", "Left"),
]


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    if not may_open_people(request.user):
        raise PermissionDenied("You do not manage people.")
    people = manageable_people(request.user).select_related("organisation", "user")
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "trust", "status")}
    if filters["q"]:
        people = people.filter(
            Q(full_name__icontains=filters["q"]) | Q(email__icontains=filters["q"])
        )
    if filters["trust"]:
        people = people.filter(organisation__short_name=filters["trust"])
    status = filters["status"]
    if status == "active":
        people = people.filter(user__is_active=True, left_on__isnull=True)
    elif status == "invited":
        # EXISTS, not a join: a join's "accepted_at IS NULL" also matched everyone never invited
        # (the outer join's empty row), and its DISTINCT sorted every person (5 s at 80,000).
        open_invitations = AccountInvitation.objects.filter(
            person=OuterRef("pk"), accepted_at__isnull=True, withdrawn_at__isnull=True
        )
        people = people.filter(Exists(open_invitations))
    elif status == "none":
        people = people.filter(user__isnull=True, left_on__isnull=True)
    elif status == "left":
        people = people.filter(left_on__isnull=False)
    people = people.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    ).order_by("full_name", "pk")
    # The count stops at 1,000 (ADR 10): 80,000 people at national size cost 60-100 ms to count.
    page = CappedCountPaginator(people, PAGE_SIZE, cap=PAGE_COUNT_CAP).get_page(
        request.GET.get("page")
    )
    trusts = Organisation.objects.filter(
        pk__in=manageable_people(request.user).values("organisation_id")
    ).order_by("short_name")
    return render(
        request,
        "vmi_programme/people/list.html",
        {
            "page": page,
            "people": page.object_list,
            "filters": filters,
            "statuses": STATUSES,
            "trusts": trusts,
            "can_add": bool(_add_organisations(request.user).exists()),
        },
    )


# --- Adding and changing a person -------------------------------------------------------------


def _add_organisations(user: Any) -> QuerySet[Organisation]:
    return visible_organisations(user, Action.MANAGE_USERS)


class PersonForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "email", "job_title", "department", "professional_group"]
        labels = {"full_name": "Full name", "email": "Work e-mail"}


class AddPersonForm(PersonForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Trust")

    class Meta(PersonForm.Meta):
        fields = ["organisation", *PersonForm.Meta.fields]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()


@FORM_METHODS
def person_add(request: HttpRequest) -> HttpResponse:
    organisations = _add_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("You do not manage any organisation's people.")
    form = AddPersonForm(posted(request), organisations=organisations)
    return form_page(
        request,
        form,
        lambda data: user_admin.add_person(user=request.user, **data),
        heading="Add a person",
        back_url=reverse("people-list"),
        success="Person added.",
        next_url=lambda person: reverse("person-detail", args=[getattr(person, "pk", None)]),
    )


@FORM_METHODS
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    _require_manage(request, person)
    form = PersonForm(posted(request), instance=Person.objects.get(pk=person.pk))
    return form_page(
        request,
        form,
        lambda data: user_admin.update_person(user=request.user, person=person, data=data),
        heading=f"Change {person.full_name}",
        back_url=reverse("person-detail", args=[person.pk]),
        success="Saved.",
    )


# --- A person's page and its actions ----------------------------------------------------------


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label="Give a role")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = choices


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    grantable = user_admin.grantable_roles(request.user, person)
    held = list(person.role_assignments.order_by("role"))
    held_values = {assignment.role for assignment in held}
    return render(
        request,
        "vmi_programme/people/detail.html",
        {
            "person": person,
            "roles": [{"assignment": a, "removable": a.role in dict(grantable)} for a in held],
            "grant_form": GrantRoleForm(
                choices=[(v, label) for v, label in grantable if v not in held_values]
            ),
            "can_manage": can(request.user, Action.MANAGE_USERS, person),
            "open_invitation": AccountInvitation.objects.filter(
                person=person, accepted_at__isnull=True, withdrawn_at__isnull=True
            ).first(),
        },
    )


def _back(person: Person) -> HttpResponse:
    return redirect("person-detail", pk=person.pk)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        user_admin.grant_role(user=request.user, person=person, role=request.POST.get("role", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Role given.")
    return _back(person)


@require_POST
def role_remove(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    person = _person(request, pk)
    try:
        user_admin.remove_role(user=request.user, person=person, role=role)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Role removed.")
    return _back(person)


@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        user_admin.invite(user=request.user, person=person, absolute=request.build_absolute_uri)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Invitation e-mailed to {person.email}.")
    return _back(person)


@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        user_admin.deactivate(user=request.user, person=person)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Marked as left: their account can no longer sign in.")
    return _back(person)


@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        user_admin.reactivate(user=request.user, person=person)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Reactivated.")
    return _back(person)


# --- UK GDPR ----------------------------------------------------------------------------------


@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A subject-access export: everything held about the person, as a JSON download."""
    person = _person(request, pk)
    _require_manage(request, person)
    return json_response(privacy.subject_access_export(person), f"subject-access-{person.pk}")


@FORM_METHODS
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then erase as a recorded job (it sweeps every table); the job page follows it."""
    person = _person(request, pk)
    try:
        privacy.check_erasable(request.user, person)
    except ValidationError as exc:
        _refused(request, exc)
        return _back(person)
    if request.method == "POST":
        if request.POST.get("confirm") != person.full_name:
            messages.error(request, "Type the person's full name exactly to confirm.")
        else:
            job = jobs.submit(
                "programme.erase_person",
                {"person": person.pk},
                user=request.user,
                organisation=person.organisation,
            )
            return redirect("job-detail", pk=job.pk)
    return render(
        request,
        "vmi_programme/people/erase.html",
        {"person": person},
        status=400 if request.method == "POST" else 200,
    )


# --- Accepting an invitation (signed out) ----------------------------------------------------


class AcceptForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(max_length=150, help_text="You will sign in with it.")
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


@login_not_required
@FORM_METHODS
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = user_admin.invitation_for_token(token)
    except ValidationError as exc:
        return render(
            request, "vmi_programme/people/invitation_invalid.html", {"reasons": exc.messages}
        )
    form = AcceptForm(posted(request), initial={"username": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user_admin.accept_invitation(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_validation_error(exc)
            else:  # the password validators' messages
                form.add_error("password1", exc.messages)
        else:
            messages.success(request, "Your account is ready: sign in.")
            return redirect("login")
    return render(
        request,
        "vmi_programme/people/accept.html",
        {"form": form, "person": invitation.person},
        status=400 if request.method == "POST" else 200,
    )
