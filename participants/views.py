"""Views of the participants app."""
