from django.contrib import admin

from homes.models import Home, Invitation, Membership, Organisation, Space
from homes.setup import home_set_up


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    prepopulated_fields = {"slug": ["name"]}


class SpaceInline(admin.TabularInline):
    model = Space
    extra = 0


@admin.register(Home)
class HomeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "postcode"]
    list_filter = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpaceInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            home_set_up(home=obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "home", "role", "is_active"]
    list_filter = ["home", "role", "is_active"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "home"]
    readonly_fields = ["created_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "home", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["home", "role"]
    search_fields = ["email", "full_name"]
    readonly_fields = [
        "token_nonce",
        "sent_nonce",
        "created_at",
        "expires_at",
        "sent_at",
        "accepted_at",
        "revoked_at",
    ]
