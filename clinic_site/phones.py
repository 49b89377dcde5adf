"""US phone numbers as people type them: the one place the site reads them."""

import phonenumbers


def as_e164(value: str) -> str:
    """Return the number in international form (+15035550142), or '' if it is not one."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str) -> str:
    """Return a stored number the way people write it: (503) 555-0142, or +44 … abroad."""
    number = phonenumbers.parse(e164)
    style = phonenumbers.PhoneNumberFormat
    us = phonenumbers.region_code_for_number(number) == "US"
    return phonenumbers.format_number(number, style.NATIONAL if us else style.INTERNATIONAL)
