"""A resident's wellbeing: the three-item loneliness scale over time."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.forms.wellbeing import LonelinessMeasureForm
from residents.models import LonelinessMeasure, Resident
from residents.selectors import wellbeing as selectors
from residents.selectors.settings import connection_settings_for
from residents.services.wellbeing import loneliness_measure_record


def _resident(request, pk):
    return get_object_or_404(Resident.objects.for_home(request.home).select_related("key_worker"), pk=pk)


@home_permission("residents.view")
def wellbeing(request, home_slug, pk):
    resident = _resident(request, pk)
    measures = selectors.measures_for(request.home, resident)
    settings = connection_settings_for(request.home)
    threshold = settings.lonely_threshold
    latest = measures[0] if measures else None
    next_due = selectors.loneliness_due_on(
        last_on=latest.recorded_on if latest else None,
        admitted_on=resident.admitted_on,
        every_days=settings.loneliness_every_days,
    )
    return render(
        request,
        "residents/wellbeing/wellbeing.html",
        {
            "resident": resident,
            "measures": measures,
            "latest": latest,
            "trend": selectors.trend_words(measures),
            "threshold": threshold,
            "next_due": None if resident.has_left else next_due,
            "next_due_overdue": next_due <= timezone.localdate(),
            "today": timezone.localdate(),
            "every_days": settings.loneliness_every_days,
            "often_lonely": latest is not None and latest.total >= threshold,
            "chart": selectors.trend_chart(measures, threshold=threshold, name=resident.short_name),
            "chart_small": selectors.trend_chart(
                measures,
                threshold=threshold,
                name=resident.short_name,
                layout=selectors.COMPACT,
                chart_id="trend-small",
            ),
            "can_record": request.membership.has_perm("wellbeing.record") and not resident.has_left,
            "answers": LonelinessMeasure.Answer,
        },
    )


@home_permission("wellbeing.record")
def wellbeing_add(request, home_slug, pk):
    resident = _resident(request, pk)
    form = LonelinessMeasureForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            loneliness_measure_record(
                home=request.home, actor=request.user, resident=resident, **form.cleaned_data
            )
        except AlreadySaved as saved:
            url = reverse("residents:wellbeing", kwargs={"home_slug": home_slug, "pk": resident.pk})
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{resident.short_name}'s answers were saved.")
            return redirect("residents:wellbeing", home_slug=home_slug, pk=resident.pk)
    return render(request, "residents/wellbeing/wellbeing_form.html", {"resident": resident, "form": form})
