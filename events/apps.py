from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    # The "event bookings" measure of matching's trends heat map, named rather than imported
    # (matching may not import events): see matching/trends.py.
    trend_measures = {"bookings": ("Event bookings (seats)", "events.trends.booking_rows")}
