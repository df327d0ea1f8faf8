"""Staff views of travellers and their tokens. Password and token hashes are never shown."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html

from accounts import services
from accounts.models import ApiToken, User
from config.admin import JSON_DOCUMENTS


class VerifiedFilter(admin.SimpleListFilter):
    title = "email verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "Verified"), ("no", "Not verified")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_verified=True)
        if self.value() == "no":
            return queryset.filter(is_verified=False)
        return queryset


class ProviderFilter(admin.SimpleListFilter):
    title = "sign-in provider"
    parameter_name = "provider"

    def lookups(self, request, model_admin):
        return [("google", "Google"), ("facebook", "Facebook"), ("none", "Email only")]

    def queryset(self, request, queryset):
        if self.value() in {"google", "facebook"}:
            return queryset.filter(socialaccount__provider=self.value()).distinct()
        if self.value() == "none":
            return queryset.filter(socialaccount__isnull=True)
        return queryset


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    fields = ["email", "verified", "primary"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    fields = ["provider", "uid", "date_joined", "last_login"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    formfield_overrides = JSON_DOCUMENTS
    list_display = [
        "email",
        "username",
        "public_name",
        "verified",
        "is_active",
        "is_staff",
        "date_joined",
    ]
    list_filter = [
        "is_staff",
        "is_active",
        VerifiedFilter,
        ProviderFilter,
        ("date_joined", admin.DateFieldListFilter),
    ]
    # name_tag: find "Traveller 7F3K" from a report that names them so.
    search_fields = ["email", "username", "first_name", "last_name", "display_name", "name_tag"]
    ordering = ["-date_joined"]
    date_hierarchy = "date_joined"
    readonly_fields = ["password_status", "name_tag", "last_login", "date_joined"]
    # No "password" field: Django's widget would show part of the hash.
    fieldsets = [
        (None, {"fields": ["username", "email", "password_status"]}),
        (
            "Profile",
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "display_name",
                    "name_tag",
                    "home_city",
                    "timezone",
                    "preferred_currency",
                    "travel_preferences",
                ]
            },
        ),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    inlines = [EmailAddressInline, SocialAccountInline, ApiTokenInline]
    actions = ["deactivate_users"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_verified()

    @admin.display(description="Public name", ordering="display_name")
    def public_name(self, user: User) -> str:
        return user.public_name

    @admin.display(boolean=True, description="Verified", ordering="is_verified")
    def verified(self, obj) -> bool:
        return obj.is_verified

    @admin.display(description="Password")
    def password_status(self, obj) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        if obj.has_usable_password():
            return format_html('Set. <a href="{}">Set a new password</a>', url)
        return format_html(
            'Not set (signs in with a connected account). <a href="{}">Set one</a>', url
        )

    @admin.action(description="Deactivate selected users (sign out and revoke tokens)")
    def deactivate_users(self, request, queryset):
        count = services.users_deactivate(users=list(queryset))
        self.message_user(request, f"Deactivated {count} user(s).", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request, queryset):
        count = services.tokens_revoke(tokens=list(queryset))
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
