from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        from django.urls import register_converter

        from activities.converters import DayConverter

        register_converter(DayConverter, "day")
