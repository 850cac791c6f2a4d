from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "Homes and memberships"

    # The invitation email is declared in homes.messages and registered by
    # notifications (notifications.core_messages): the core imports no
    # notifications, it sends through homes.outbox.

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import post_migrate, pre_save

        from carehome.audit import fill_in_entry

        # Every history entry gets who is acting and from where (carehome.audit).
        pre_save.connect(fill_in_entry, sender=LogEntry, dispatch_uid="kith-audit-context")

        # Every migrate (re)installs the triggers that note which homes' data changed.
        post_migrate.connect(_install_change_triggers, sender=self, dispatch_uid="kith-change-triggers")

        # Anonymising a relative's or volunteer's membership and account when they left long ago.
        from homes import retention

        retention.register()


def _install_change_triggers(sender, using="default", **kwargs):
    from homes import changes

    changes.install(using)
