from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"

    def ready(self):
        from homes.dashboard import Panel, register_panel

        register_panel(
            Panel("volunteer", "volunteers/panels/welcome.html", "volunteer.portal", lambda r: {}, order=10)
        )
