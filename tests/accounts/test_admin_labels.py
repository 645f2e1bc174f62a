"""The admin speaks the reader's language: every accounts model and field has a translatable name."""

import pytest
from django.apps import apps
from django.utils.functional import Promise


def _models():
    return list(apps.get_app_config("accounts").get_models())


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_model_names_are_translatable(model):
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_field_labels_are_translatable(model):
    """A field without a verbose_name shows its Python name ("email_state") in every language."""
    untranslated = [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and not isinstance(f.verbose_name, Promise)
    ]
    assert not untranslated
