class DomainError(Exception):
    """A rule of the house was broken; ``message`` is written for a person.

    ``field`` names the form field the message belongs next to, if any.
    """

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to_form(self, form):
        form.add_error(self.field if self.field in form.fields else None, self.message)
