"""Every table that holds a resident's, a relative's or a volunteer's data is
read by their export, or says why not: a new feature cannot be forgotten."""

from django.apps import apps

from privacy.sources import NOT_EXPORTED, SOURCES

PEOPLE = {"residents.Resident", "homes.Membership", "volunteers.Volunteer", "accounts.User"}
# Tables that point at a person but hold another person's or the home's
# records: staff who recorded something, a partner's contact, who planned an outing.
STAFF_SIDE = {
    "residents.KeyWorkerAssignment",
    "volunteers.Driver",
    "volunteers.TrainingRecord",
    "community.Partnership",
    "community.Activity",
    "privacy.SubjectAccessRequest",
}


def test_every_table_about_a_person_is_exported_or_says_why_not():
    read = {source.model for sources in SOURCES.values() for source in sources}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label in read or label in NOT_EXPORTED or label in STAFF_SIDE:
            continue
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if not (field.is_relation and field.concrete or field.many_to_many) or target is None:
                continue
            if target._meta.label in PEOPLE and not field.auto_created:
                # Who recorded or changed something (a member of staff) is not the person's own row.
                if target._meta.label == "accounts.User" and field.name.endswith(("_by", "staff_member")):
                    continue
                missing.append(f"{label}.{field.name}")
    assert not missing, (
        "These tables point at a person but no export reads them: add a source in privacy/sources.py "
        f"or say why not in NOT_EXPORTED: {missing}"
    )
