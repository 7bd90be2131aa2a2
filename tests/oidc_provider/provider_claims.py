"""The claims the test provider puts in ID tokens and userinfo, from its configuration file.

Read afresh for each token, so a test can change a user's claims (a group taken away, an
address no longer verified) between two sign-ins.
"""

import json
import os
from pathlib import Path

from oauth2_provider.oauth2_validators import OAuth2Validator

CLAIMS = ("email", "email_verified", "name", "given_name", "family_name", "groups")


def user_claims(username: str) -> dict:
    config = json.loads(Path(os.environ["OIDC_TEST_PROVIDER_CONFIG"]).read_text())
    user = config["users"][username]
    return {claim: user[claim] for claim in CLAIMS if claim in user}


class ClaimsValidator(OAuth2Validator):
    # Every claim below whatever the scopes asked for (the app asks for openid email profile).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return {"preferred_username": request.user.username, **user_claims(request.user.username)}
