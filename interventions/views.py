"""Views of the interventions app."""
