"""The shared list of training modules, for volunteers and staff."""

from django.db import migrations

# slug, name, description, renew after (months, None = once), for staff, for volunteers
MODULES = [
    ("induction", "Induction", "The home, its people, what to do in an emergency, who to ask.", None, True, True),
    ("safeguarding-adults", "Safeguarding adults", "Recognising and reporting harm or abuse.", 36, True, True),
    ("dementia-awareness", "Dementia awareness", "Understanding dementia and communicating well.", 36, True, True),
    (
        "confidentiality",
        "Confidentiality and data protection",
        "Keeping what you learn about people private.",
        12,
        True,
        True,
    ),
    (
        "technology-support",
        "Supporting people with technology",
        "Helping residents with video calls, tablets and phones.",
        None,
        True,
        True,
    ),
    (
        "relationship-centred",
        "Relationship-centred practice",
        "Putting relationships and connection at the heart of care.",
        None,
        True,
        True,
    ),
    (
        "volunteer-management",
        "Volunteer management",
        "Recruiting, supporting and supervising volunteers.",
        36,
        True,
        False,
    ),
    ("midas", "Minibus driving (MiDAS)", "The Minibus Driver Awareness Scheme.", 48, True, True),
    ("first-aid", "First aid", "Basic first aid.", 36, True, True),
]


def add_modules(apps, schema_editor):
    TrainingModule = apps.get_model("volunteers", "TrainingModule")
    for order, (slug, name, description, months, staff, volunteers) in enumerate(MODULES):
        TrainingModule.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "valid_months": months,
                "for_staff": staff,
                "for_volunteers": volunteers,
                "order": order * 10,
            },
        )


def remove_modules(apps, schema_editor):
    TrainingModule = apps.get_model("volunteers", "TrainingModule")
    TrainingModule.objects.filter(slug__in=[m[0] for m in MODULES], records__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_modules, remove_modules)]
