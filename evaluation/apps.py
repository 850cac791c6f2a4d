from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Self-evaluation"

    def ready(self):
        from evaluation import messages, navigation  # noqa: F401 (messages registers its kind)
        from homes.demo import register_demo_area

        navigation.register()

        from evaluation import retention

        retention.register()

        # After every feature's demo rows: the evaluations cite them.
        register_demo_area("evaluation.demo", order=90)
