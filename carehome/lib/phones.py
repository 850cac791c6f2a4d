"""Phone numbers: the one place that says what Kith accepts.

- ``phone_problem(value)``: any phone number a person writes down to be rung
  on (a relative's number in a plan, someone's own number on their account):
  digits, spaces, ``+`` and brackets, at least seven digits. Returns why not,
  or "" (an empty value is fine: say separately when a number is required).
- ``mobile_number(value)``: a mobile that can receive text messages, in E.164
  form (``+447700900123``), or a ``DomainError`` saying what to type.
- ``display_phone(e164)``: a stored E.164 number as people write it.

Forms call these in ``clean_<field>``; services call them again, so a rule
cannot be skipped by a caller that does not use the form.
"""

import re

import phonenumbers

from carehome.errors import DomainError

PHONE_CHARACTERS = re.compile(r"^[0-9 +()]+$")
PHONE_MIN_DIGITS = 7
ONLY_PHONE_CHARACTERS = "Enter a phone number using only digits, spaces, + and brackets, like 01632 960123."
TOO_FEW_DIGITS = "A phone number has at least 7 digits, like 01632 960123."

# Ofcom's numbers for drama and examples: valid here so demos and tests never
# text a real person.
DRAMA_MOBILES = ("7700900000", "7700900999")


def phone_problem(phone):
    """Why ``phone`` does not look like a phone number, or "" if it does."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if not PHONE_CHARACTERS.match(phone):
        return ONLY_PHONE_CHARACTERS
    if sum(c.isdigit() for c in phone) < PHONE_MIN_DIGITS:
        return TOO_FEW_DIGITS
    return ""


def mobile_number(value, *, field="phone"):
    """A UK (or +international) mobile number in E.164 form, or a DomainError
    with a message a person can act on."""
    text = (value or "").strip()
    if not text:
        raise DomainError("Enter a mobile number for text messages, like 07700 900123.", field=field)
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise DomainError(
            "That is not a phone number. Enter a mobile number, like 07700 900123.", field=field
        ) from None
    national = str(number.national_number)
    if number.country_code == 44 and DRAMA_MOBILES[0] <= national <= DRAMA_MOBILES[1]:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise DomainError(
            "That number is not complete or not in use. Enter a mobile number, like 07700 900123.",
            field=field,
        )
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise DomainError(
            "That looks like a landline. Text messages need a mobile number, like 07700 900123.",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164):
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    # UK numbers as people write them (07700 900123), the drama range included.
    formats = phonenumbers.PhoneNumberFormat
    style = formats.NATIONAL if number.country_code == 44 else formats.INTERNATIONAL
    return phonenumbers.format_number(number, style)
