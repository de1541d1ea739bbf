"""Background jobs of the stations app: announcing routing changes to the coordinators."""

from django_tasks import task


@task()
def announce_routing_change(summary: dict) -> int:
    from .audit import send_announcement

    return send_announcement(summary)
