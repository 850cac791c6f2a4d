"""A resident who left long ago leaves the home's self-evaluations too: the
evidence, the reasons for a rating and the improvement plan keep what they
say, with their name replaced (``homes.retention``)."""

from evaluation.models import EvidenceNote, ImprovementAction, Rating
from homes.retention import register_anonymiser, replace_names
from residents.retention import FORMER, names_of


def anonymise_resident(home, resident):
    names = names_of(resident, first=False)
    changed = replace_names(EvidenceNote.objects.for_home(home), ["text"], names, FORMER)
    changed += replace_names(Rating.objects.for_home(home), ["rationale"], names, FORMER)
    changed += replace_names(ImprovementAction.objects.for_home(home), ["action", "progress"], names, FORMER)
    return changed


def register():
    register_anonymiser("resident", "evaluation", anonymise_resident)
