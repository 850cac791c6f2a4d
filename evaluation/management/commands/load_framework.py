"""Load an inspection framework, or a new edition of one, from its JSON file."""

from django.core.management.base import BaseCommand, CommandError

from evaluation.loader import FrameworkError, load, load_shipped, read


class Command(BaseCommand):
    help = (
        "Load an inspection framework from a JSON file (see evaluation/loader.py for its shape), or with "
        "--shipped every framework Kith ships with. Loading a framework again updates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="*", help="framework JSON files")
        parser.add_argument("--shipped", action="store_true", help="the frameworks in evaluation/frameworks/")

    def handle(self, *args, path, shipped, **options):
        if not path and not shipped:
            raise CommandError("Give a framework file, or --shipped.")
        try:
            loaded = load_shipped() if shipped else []
            loaded += [load(read(p)) for p in path]
        except FrameworkError as error:
            raise CommandError("The framework was not loaded. " + " ".join(error.problems)) from error
        for framework in loaded:
            themes = framework.themes.filter(is_active=True).count()
            self.stdout.write(f"Loaded {framework.name} ({framework.slug}): {themes} themes.")
