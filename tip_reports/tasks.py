"""Background jobs of the tip flow: delivering outbox rows and the periodic sweep."""

from django_tasks import task


@task()
def deliver(delivery_id: int) -> str:
    from .delivery import deliver_now

    return deliver_now(delivery_id)
