"""Model fields that read the product's clock (core.clock) instead of the wall clock."""

from django.db import models

from . import clock


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose auto_now / auto_now_add stamp core.clock.now(), so a row written in
    the demo (today 2015-06-22) says 2015-06-22, like every other date the product shows."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return models.Field.pre_save(self, model_instance, add)
