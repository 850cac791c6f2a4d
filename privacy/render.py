"""A subject access export as a readable PDF (WeasyPrint) and as JSON."""

import json

from django.template.loader import render_to_string
from django.utils import timezone

from privacy.export import collect

FORMAT_VERSION = 1


def _cover(subject, request_record):
    return {
        "about": subject.name,
        "kind": subject.kind,
        "home": subject.home.name,
        "made_at": timezone.localtime().isoformat(timespec="seconds"),
        "request": request_record.reference if request_record else None,
    }


def as_json(subject, request_record=None):
    """Machine-readable: one object per section, each row a mapping of field
    name to value (dates in ISO 8601, photos as data URIs)."""
    sections = collect(subject)
    out = {
        "format": "kith-subject-access",
        "format_version": FORMAT_VERSION,
        **_cover(subject, request_record),
        "left_out": LEFT_OUT,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "rows": [
                    {
                        f.name: (
                            {
                                "file": f.image["name"],
                                "content_type": f.image["content_type"],
                                "data": f.image["data_uri"],
                            }
                            if f.image
                            else f.value
                        )
                        for f in row
                    }
                    for row in s.rows
                ],
            }
            for s in sections
        ],
    }
    return json.dumps(out, ensure_ascii=False, indent=2)


LEFT_OUT = [
    "Other residents: their names are replaced by “another resident”, in notes too.",
    "Security details: passwords, sign-in codes, door codes and private calendar addresses.",
    "Figures about the home as a whole, which name no one.",
]


def as_html(subject, request_record=None):
    return render_to_string(
        "privacy/export_pdf.html",
        {
            "subject": subject,
            "sections": collect(subject),
            "request_record": request_record,
            "made_at": timezone.localtime(),
            "left_out": LEFT_OUT,
        },
    )


def as_pdf(subject, request_record=None):
    from weasyprint import HTML  # imported here: only the PDFs need Pango
    from weasyprint.urls import URLFetcher

    # Photos are inlined as data: URIs; nothing else is ever fetched.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=as_html(subject, request_record), url_fetcher=fetcher).write_pdf()
