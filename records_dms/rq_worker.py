"""The RQ worker `dms worker` runs when DMS_TASKS=rq: RQ's own, with a prompt warm shutdown.

RQ 3.0 listens for its commands on a Redis pub/sub channel in a thread that waits up to 60 s
per round, and its shutdown stops that thread with redis-py 8's ``stop()``, which now joins it
without a timeout. When the thread has already read the reply to the shutdown's UNSUBSCRIBE, it
waits for a subscription that never comes: 60 s, with the job in hand long done. (Measured: three
of eight workers given SIGTERM after their jobs took 61 s to exit; the others under 4 s.
RQ counts on the UNSUBSCRIBE reply to wake the thread, since rq/rq#2172; it races with stop().)
Waking the thread every second bounds that wait to about a second; it costs one wake-up a
second of an otherwise idle thread.
"""

from __future__ import annotations

from rq.worker import Worker

PUBSUB_WAKE_SECONDS = 1.0


class PromptShutdownWorker(Worker):
    def subscribe(self) -> None:
        """This worker's command channel (RQ's ``subscribe``), its thread awake every second."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        # RQ declares the attribute as None only (its own assignment is untyped).
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=PUBSUB_WAKE_SECONDS,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )
