"""Start-up checks of the settings the policy depends on."""

from django.core import checks
from django.core.exceptions import ValidationError


@checks.register(checks.Tags.security)
def disclosure_threshold_check(app_configs, **kwargs):
    """SUPPRESSION_THRESHOLD must be a whole number of people from 3 to 100."""
    from .policy import deployment_threshold

    try:
        deployment_threshold()
    except ValidationError as error:
        return [
            checks.Error(
                f"SUPPRESSION_THRESHOLD: {' '.join(error.messages)}",
                hint="Set SUPPRESSION_THRESHOLD in the environment to a number from 3 to 100.",
                id="foljsam.E001",
            )
        ]
    return []
