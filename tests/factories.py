"""Small helpers that make test data: `make_<thing>(**overrides)`."""

from django.contrib.auth import get_user_model


def make_user(*, username="staff", password="correct horse battery", **overrides):
    """Create a user with a usable password; pass is_staff/is_superuser/groups as needed."""
    groups = overrides.pop("groups", [])
    user = get_user_model().objects.create_user(username=username, password=password, **overrides)
    user.groups.set(groups)
    return user
