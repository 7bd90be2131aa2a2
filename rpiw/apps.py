from django.apps import AppConfig


class RpiwConfig(AppConfig):
    name = "rpiw"
    verbose_name = "RPIWs and value streams"
