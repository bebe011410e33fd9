"""What users send: the one normalisation of every text field of every form and API serializer
(inputs/text.py, rules in core.validators.clean_text), and the guard that makes a double submit
of a form save once (inputs/middleware.py). See docs/input-validation.md."""
