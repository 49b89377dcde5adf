# The settings of the local development site, shared by `make run` and `make superuser`.
# Sourced, not run. Anything already set in the environment wins.
export DEBUG=${DEBUG:-true}
export SECRET_KEY=${SECRET_KEY:-local-development-only-not-secret}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
