"""Views of the enrolments app."""
