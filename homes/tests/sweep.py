from django.contrib.contenttypes.models import ContentType

OBJECT_KWARGS = {
    "homes:membership_edit": lambda w, own: {"pk": (w.staff if own else w.outsider).pk},
    "homes:membership_two_step_reset": lambda w, own: {"pk": (w.staff if own else w.outsider).pk},
    "homes:invitation_resend": lambda w, own: {"pk": w.invitation(own).pk},
    "homes:invitation_revoke": lambda w, own: {"pk": w.invitation(own).pk},
    "homes:space_edit": lambda w, own: {"pk": (w.space if own else w.foreign_space).pk},
    "homes:history": lambda w, own: {
        "content_type_id": ContentType.objects.get_for_model(w.space).pk,
        "object_id": (w.space if own else w.foreign_space).pk,
    },
}
