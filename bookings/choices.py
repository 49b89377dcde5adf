"""The fixed lists the consultation form offers, shared by the models, forms and admin."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTING = "contacting", "Contacting"
    SCHEDULED = "scheduled", "Consultation scheduled"
    BECAME_PATIENT = "became_patient", "Became a patient"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    NO_RESPONSE = "no_response", "No response"
    CLOSED = "closed", "Closed"
    SPAM = "spam", "Spam"


# "Open" means someone still has to act on it: new, or in progress with the front desk.
OPEN_STATUSES = (Status.NEW, Status.CONTACTING, Status.SCHEDULED)


class ContactOutcome(models.TextChoices):
    """What happened when staff tried to reach a patient: how, and whether it worked."""

    CALLED_REACHED = "called_reached", "Called: reached them"
    CALLED_NO_ANSWER = "called_no_answer", "Called: no answer"
    CALLED_VOICEMAIL = "called_voicemail", "Called: left a voicemail"
    CALLED_WRONG_NUMBER = "called_wrong_number", "Called: wrong number"
    EMAILED = "emailed", "Emailed"
    TEXTED = "texted", "Texted"


# Every attempt but a call that reached them leaves the patient still to be reached.
REACHED_OUTCOMES = (ContactOutcome.CALLED_REACHED,)


class ContactMethod(models.TextChoices):
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class BestTime(models.TextChoices):
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class Condition(models.TextChoices):
    DEPRESSION = "depression", "Depression"
    ANXIETY = "anxiety", "Anxiety"
    PTSD = "ptsd", "PTSD"
    OCD = "ocd", "OCD"
    BIPOLAR_DEPRESSION = "bipolar_depression", "Bipolar depression"
    CHRONIC_PAIN = "chronic_pain", "Chronic pain"
    SUBSTANCE_USE = "substance_use", "Substance use"
    NOT_SURE = "not_sure", "I'm not sure"
    OTHER = "other", "Something else"


class HowHeard(models.TextChoices):
    SEARCH = "search", "Searching online"
    DOCTOR = "doctor", "My doctor or therapist"
    FRIEND = "friend", "A friend or family member"
    ARTICLE = "article", "An article on this site"
    SOCIAL = "social", "Social media"
    OTHER = "other", "Somewhere else"


class USState(models.TextChoices):
    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"
