from django.db.models import Q

from residents.models import Resident


def residents_for_member(membership, *, search=""):
    qs = Resident.objects.for_member(membership).select_related("key_worker")
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search) | Q(room__iexact=search)
        )
    return qs.order_by("full_name")
