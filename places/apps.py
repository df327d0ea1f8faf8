from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Places"

    def ready(self) -> None:
        from activities.place_lookup import register_place_finder
        from places.selectors import place_for_quick_add

        # Quick-add's "Tile museum, Lisbon" (activities cannot import places; docs/places.md).
        register_place_finder(place_for_quick_add)
