"""The evaluation app's entry in the main navigation (``homes.navigation``),
registered from ``EvaluationConfig.ready()``: "Outcomes", for those who lead
on connection (the dashboard, the self-evaluations and the improvement plan),
and for connector charity staff where the home shares its figures (the
dashboard alone)."""

from homes.navigation import NavItem, register_nav_item

ITEMS = [NavItem("Outcomes", "evaluation:dashboard", "evaluation.figures", "evaluation/", order=70)]


def register():
    for item in ITEMS:
        register_nav_item(item)
