from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from qsessions.models import Session

from accounts.models import User

# qsessions' own admin pages show each session's key (in their addresses) and
# contents: anyone who reads them could use someone else's session. People
# end their sessions from "Where you are signed in" (accounts.sessions).
admin.site.unregister(Session)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name", "preferred_name", "phone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
