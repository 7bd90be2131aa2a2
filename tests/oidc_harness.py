"""A real OpenID Connect provider for the tests: django-oauth-toolkit in a process of its own.

``TestProvider.start(...)`` writes a configuration (a fresh RSA key, a client, users and their
claims) into a temporary directory, starts ``tests/oidc_provider/serve.py`` on a free port of
127.0.0.1 and waits for its discovery document; ``stop()`` ends it. ``sign_in(...)`` walks the
authorisation-code flow as a browser would, with Django's test client for the app and requests
for the provider.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

SERVE = Path(__file__).resolve().parent / "oidc_provider" / "serve.py"
PASSWORD = "provider-password-1"
CLIENT_ID = "vmi-programme-test"

# The provider's people: who signs in there, with which claims.
USERS = {
    "newcomer": {
        "email": "new.starter@sash.example.nhs.uk",
        "email_verified": True,
        "name": "Nia Newcomer",
        "given_name": "Nia",
        "family_name": "Newcomer",
    },
    "existing": {
        "email": "kpo@sash.example.nhs.uk",
        "email_verified": True,
        "name": "Kim Existing",
    },
    "unverified": {
        "email": "kpo@sash.example.nhs.uk",
        "email_verified": False,
        "name": "Una Verified",
    },
    "grouped": {
        "email": "gita.group@sash.example.nhs.uk",
        "email_verified": True,
        "name": "Gita Group",
        "groups": ["kpo-sash", "staff"],
    },
}


def dependencies_missing() -> str | None:
    """Why the provider cannot run here, or None."""
    for module in ("oauth2_provider", "jwcrypto", "cryptography", "mozilla_django_oidc"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -r requirements.lock)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass
class TestProvider:
    __test__ = False  # not a test class for pytest

    directory: Path
    port: int
    client_secret: str
    config: dict
    process: subprocess.Popen | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.directory / "provider.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def config_path(self) -> Path:
        return self.directory / "config.json"

    @classmethod
    def start(
        cls,
        *,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str],
        users: dict | None = None,
        timeout: float = 90,
    ) -> TestProvider:
        directory = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
        key_file = directory / "rsa.pem"
        key_file.write_bytes(_rsa_key_pem())
        key_file.chmod(0o600)
        port = _free_port()
        secret = secrets.token_urlsafe(32)
        config = {
            "issuer": f"http://127.0.0.1:{port}/o",
            "database": str(directory / "provider.sqlite3"),
            "key_file": str(key_file),
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": secret,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris,
            },
            "users": {
                name: {"password": PASSWORD, **claims} for name, claims in (users or USERS).items()
            },
        }
        provider = cls(directory=directory, port=port, client_secret=secret, config=config)
        provider.config_path.write_text(json.dumps(config))
        provider._launch(timeout)
        return provider

    def _launch(self, timeout: float) -> None:
        import requests

        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH")
        }
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(SERVE), str(self.port), str(self.config_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.directory,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The test provider exited:\n{self.log_tail()}")
            try:
                response = requests.get(
                    f"{self.issuer}/.well-known/openid-configuration", timeout=2
                )
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"The test provider did not start in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def set_claims(self, username: str, **claims) -> None:
        """Change what the provider says about a user from the next token on."""
        self.config["users"][username].update(claims)
        self.config_path.write_text(json.dumps(self.config))

    def settings_entry(self, **extra) -> dict:
        """This provider as one entry of OIDC_PROVIDERS."""
        return {
            "key": "test",
            "name": "Test NHS login",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": self.client_secret,
            **extra,
        }


def start_or_skip(**kwargs) -> TestProvider:
    reason = dependencies_missing()
    if reason:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return TestProvider.start(**kwargs)


def provider_login(
    authorize_url: str, username: str, password: str = PASSWORD, *, until: str, session=None
):
    """At the provider, as a browser: follow the authorisation request, sign in on its page and
    follow its redirects until one leaves for ``until`` (the app); returns that address.
    ``session`` (requests') keeps the provider's cookies for the caller."""
    import requests

    session = session if session is not None else requests.Session()
    url = authorize_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
            response = session.post(
                url,
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": session.cookies["provider_csrftoken"],
                },
                allow_redirects=False,
                timeout=10,
            )
        if response.status_code not in (301, 302, 303):
            raise AssertionError(
                f"The provider answered {response.status_code} at {url}: {response.text[:500]}"
            )
        url = urljoin(url, response.headers["Location"])
        if url.startswith(until):
            return url
    raise AssertionError("Too many redirects at the provider")


def sign_in(client, username: str, *, key: str = "test", next_path: str = "", password=PASSWORD):
    """The whole flow with Django's test client: start, the provider, the callback. Returns the
    callback's response (not followed)."""
    start = client.get(f"/oidc/{key}/" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start
    back = provider_login(start["Location"], username, password, until="http://testserver/")
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
