"""``manage.py backup FILE [--verify]``: a PostgreSQL dump of Kith's database,
and with ``--verify`` proof that it restores (carehome.backups)."""

from django.core.management.base import BaseCommand, CommandError

from carehome.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a pg_dump custom-format backup to FILE; with --verify, restore it into a scratch "
        "database and check that every table's rows, a sample of records and the id sequences match."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the dump, e.g. kith-2026-12-03.dump")
        parser.add_argument(
            "--verify", action="store_true", help="Restore it into a scratch database and compare."
        )
        parser.add_argument(
            "--scratch", help="The scratch database's name (default: <database>_restore_check)."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database to look at.")

    def handle(self, *args, file, verify, scratch, keep, **options):
        try:
            report = backup(file, verify=verify, scratch=scratch, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not verify:
            self.stdout.write(f"Backed up to {report.file} in {report.seconds:.1f} s.")
            return
        self.stdout.write(
            f"Backed up to {report.file}, restored and compared in {report.seconds:.1f} s: "
            f"{report.tables} tables, {report.rows:,} rows, "
            f"{report.records_compared:,} sampled records, {report.sequences} id sequences."
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"The restored copy differs in {len(report.problems)} place(s): do not rely on it."
            )
        self.stdout.write(self.style.SUCCESS("The backup restores: everything compared matches."))
