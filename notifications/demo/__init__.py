"""The outbox's demo data (everyone's contact choices, quiet hours),
registered with ``homes.demo`` from ``NotificationsConfig.ready()``."""


def register():
    from homes.demo import register_demo_area

    register_demo_area("notifications.demo.preferences", order=30)
