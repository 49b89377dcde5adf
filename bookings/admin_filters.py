"""The inbox's filters: open requests by default, mine or unassigned, condition, follow-ups."""

from django.contrib import admin

from . import services
from .choices import Condition, Status, USState
from .clinic_time import clinic_today

OPEN = "open"
ALL = "all"


class StatusFilter(admin.SimpleListFilter):
    """Filter by status; with nothing chosen, show the open requests (new and in progress)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(OPEN, "Open (new and in progress)"), *Status.choices, (ALL, "All")]

    def queryset(self, request, queryset):
        value = self.value() or OPEN
        if value == OPEN:
            return queryset.open()
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        people = [
            (str(person.pk), person.get_full_name() or person.get_username())
            for person in services.front_desk_people()
        ]
        return [("me", "Me"), ("none", "Nobody yet"), ("others", "Someone else"), *people]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(assigned_to_id=int(self.value()))
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "others":
            return queryset.exclude(assigned_to=request.user).exclude(assigned_to__isnull=True)
        return queryset


class ConditionFilter(admin.SimpleListFilter):
    title = "would like help with"
    parameter_name = "condition"

    def lookups(self, request, model_admin):
        return Condition.choices

    def queryset(self, request, queryset):
        if self.value() in Condition.values:
            return queryset.filter(conditions__contains=[self.value()])
        return queryset


class FollowUpFilter(admin.SimpleListFilter):
    """Requests to try again: the follow-up day is today (or has passed), in the clinic's time."""

    title = "follow-up"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("today", "Due today"), ("overdue", "Overdue"), ("set", "Any follow-up set")]

    def queryset(self, request, queryset):
        if self.value() == "today":
            return queryset.filter(follow_up_on=clinic_today())
        if self.value() == "overdue":
            return queryset.filter(follow_up_on__lt=clinic_today())
        if self.value() == "set":
            return queryset.filter(follow_up_on__isnull=False)
        return queryset


class PastTargetFilter(admin.SimpleListFilter):
    """Requests waiting longer than their target (URGENT_TARGET_HOURS when urgent)."""

    title = "waiting"
    parameter_name = "past_target"

    def lookups(self, request, model_admin):
        return [("yes", "Past its target")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.past_target()
        return queryset


class StateFilter(admin.SimpleListFilter):
    """The patient's state, picked from a drop-down rather than 51 links.

    The drop-down sits in a small GET form with a Show button, so it works without
    JavaScript; the other filters and the search are carried along as hidden fields.
    """

    title = "US state"
    parameter_name = "state__exact"
    template = "admin/bookings/select_filter.html"

    def lookups(self, request, model_admin):
        return USState.choices

    def queryset(self, request, queryset):
        if self.value() in USState.values:
            return queryset.filter(state=self.value())
        return queryset

    def choices(self, changelist):
        self.kept_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        if changelist.query:
            self.kept_params.append(("q", changelist.query))
        yield {"value": "", "selected": self.value() is None, "display": "All states"}
        for value, label in self.lookup_choices:
            yield {"value": value, "selected": self.value() == value, "display": label}
