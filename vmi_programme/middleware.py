"""Anonymous users see nothing but the login page."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware, leaving the API to answer 401 itself.

    API views authenticate by token or session inside DRF, and an API client expects a 401,
    not a redirect to an HTML login form.
    """

    exempt_prefixes = ("/api/", "/health/", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.exempt_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
