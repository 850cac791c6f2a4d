"""The starting list of interests, shared by residents, volunteers and partners."""

from django.db import migrations

INTERESTS = {
    "arts": [
        "Art and painting", "Crafts", "Knitting and sewing", "Music", "Singing", "Dancing",
        "Poetry", "Theatre", "Films", "Photography",
    ],
    "outdoors": ["Gardening", "Birdwatching", "Walking", "Fishing", "Nature", "Caravanning and camping"],
    "sport": [
        "Football", "Cricket", "Rugby", "Golf", "Bowls", "Snooker", "Horse racing", "Cards and board games",
        "Quizzes", "Dominoes", "Jigsaws", "Crosswords and puzzles",
    ],
    "home": ["Baking", "Cooking", "DIY and woodwork", "Cars and motorbikes", "Trains", "Fashion"],
    "learning": [
        "Local history", "History", "Reading", "Travel", "Current affairs", "Languages",
        "Reminiscence", "Military history",
    ],
    "faith": ["Church", "Mosque", "Gurdwara", "Synagogue", "Temple", "Volunteering", "Choir"],
    "animals": ["Dogs", "Cats", "Horses", "Farm animals"],
    "technology": ["Computers and tablets", "Radio", "Television"],
}


def add(apps, schema_editor):
    Interest = apps.get_model("homes", "Interest")
    Interest.objects.bulk_create(
        [Interest(name=name, category=category) for category, names in INTERESTS.items() for name in names],
        ignore_conflicts=True,
    )


def remove(apps, schema_editor):
    Interest = apps.get_model("homes", "Interest")
    Interest.objects.filter(name__in=[n for names in INTERESTS.values() for n in names]).delete()


class Migration(migrations.Migration):
    dependencies = [("homes", "0002_interest")]

    operations = [migrations.RunPython(add, remove)]
