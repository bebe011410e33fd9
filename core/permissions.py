"""Moved to core.policy (the one access and disclosure policy); kept while callers move."""

from .policy import AGGREGATE_ONLY_ROLES, CAPABILITIES, capabilities_of  # noqa: F401
