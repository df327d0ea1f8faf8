from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed
        from django.contrib.auth.signals import user_logged_in
        from django.urls import register_converter

        from plans import receivers
        from plans.tokens import LinkTokenConverter

        # Before any URLconf is imported: plans' and activities' routes both use it.
        register_converter(LinkTokenConverter, "link_token")

        user_logged_in.connect(
            receivers.accept_invitations_on_login, dispatch_uid="plans_accept_invitations"
        )
        email_confirmed.connect(
            receivers.accept_invitations_on_email_confirmed,
            dispatch_uid="plans_accept_invitations_email",
        )
