from django import forms

from homes.models import Role, Space


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Their name", max_length=150, error_messages={"required": "Enter the person's name."}
    )
    email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        help_text="We send the invitation link here. It works once.",
    )
    role = forms.ChoiceField(
        label="Their role at this home",
        choices=[(r.value, r.label) for r in Role if r != Role.ORG_ADMIN],
    )
    message = forms.CharField(
        label="A personal note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the person's name.")
        return name


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[(r.value, r.label) for r in Role])
    job_title = forms.CharField(label="Job title (optional)", max_length=100, required=False)
    is_active = forms.BooleanField(
        label="Can sign in to this home",
        required=False,
        help_text="Untick to pause this person's access straight away.",
    )


class SpaceForm(forms.ModelForm):
    class Meta:
        model = Space
        fields = ["name", "kind", "capacity", "bookable", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"capacity": "Capacity (people)"}
        error_messages = {
            "name": {"required": "Give the space a name, for example “Garden room”."},
            "capacity": {
                "required": "Enter how many people it holds, for example 6.",
                "min_value": "A space holds at least 1 person.",
                "invalid": "Enter the number of people, for example 6.",
            },
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the space a name, for example “Garden room”.")
        return name

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and not 1 <= capacity <= 500:
            raise forms.ValidationError("Enter a capacity between 1 and 500 people.")
        return capacity
