"""Run the test OpenID Connect provider: ``python serve.py PORT CONFIG.json``.

Migrates its own SQLite database, creates the users and the one client from the configuration,
then serves on 127.0.0.1:PORT until terminated (tests/oidc_harness.py starts and stops it).
"""

import json
import os
import sys
from pathlib import Path


def main() -> None:
    port, config_path = int(sys.argv[1]), Path(sys.argv[2]).resolve()
    os.environ["OIDC_TEST_PROVIDER_CONFIG"] = str(config_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider_settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    config = json.loads(config_path.read_text())
    User = get_user_model()
    for username, user in config["users"].items():
        User.objects.create_user(username, email=user.get("email", ""), password=user["password"])
    client = config["client"]
    Application.objects.create(
        name="VMI programme (test)",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command(
        "runserver",
        f"127.0.0.1:{port}",
        use_reloader=False,
        use_threading=True,
        skip_checks=True,
    )


if __name__ == "__main__":
    main()
