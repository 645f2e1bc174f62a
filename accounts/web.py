"""Small helpers shared by the views of every app."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the matching fields; the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def run_service(form, service, **kwargs):
    """Call a service; on ValidationError attach the messages to the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
