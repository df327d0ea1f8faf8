"""drf-spectacular extension: show personal access tokens as an HTTP bearer scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token from Account → API tokens, sent as "
                "`Authorization: Bearer <token>`. `read` tokens may only use GET."
            ),
        }
