from django.contrib import admin

from residents.models import RelativeLink, Resident


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["full_name", "home", "room", "status", "key_worker"]
    list_filter = ["home", "status"]
    search_fields = ["full_name", "preferred_name", "room"]
    list_select_related = ["home", "key_worker"]


@admin.register(RelativeLink)
class RelativeLinkAdmin(admin.ModelAdmin):
    list_display = ["membership", "resident", "relationship", "status"]
    list_filter = ["status", "home"]
    list_select_related = ["membership__user", "membership__home", "resident"]
