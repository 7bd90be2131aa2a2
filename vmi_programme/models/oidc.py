"""Sign-in identities from OpenID Connect providers, and the approval of accounts they created."""

from django.conf import settings
from django.db import models

from ..audit import AuditTrail
from ..scope import Scope


class OidcIdentity(models.Model):
    """One provider's account (its ``iss`` + ``sub``) signing in as one user of this app.

    Linked by the provider's stable subject, not by e-mail: an address can change or be reused,
    the subject cannot. ``approved_at`` is empty while an account this sign-in created waits for
    an administrator or its trust's KPO lead; an identity linked to an existing account, or one
    whose group claim gave it roles, is approved when made. ``roles_from_groups`` lists the roles
    the provider's group claim granted at the last sign-in, so a role taken away in the provider
    is taken away here too, while roles given in the app are left alone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    provider = models.CharField(max_length=40, help_text="The key of the provider in settings.")
    issuer = models.URLField(max_length=300)
    subject = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    email_verified = models.BooleanField(default=False)
    roles_from_groups = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = AuditTrail()

    class Meta:
        verbose_name = "OpenID Connect identity"
        verbose_name_plural = "OpenID Connect identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_oidc_subject"),
        ]
        indexes = [models.Index(fields=["approved_at"])]

    def __str__(self) -> str:
        return f"{self.provider}: {self.email or self.subject}"

    def access_scope(self) -> Scope:
        # With the account's person's trust once it has one; before that, partnership-level
        # (only administrators see and approve an account no trust has been given).
        person = getattr(self.user, "person", None)
        return Scope(person.organisation_id) if person else Scope.partnership()
