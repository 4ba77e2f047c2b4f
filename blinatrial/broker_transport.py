"""kombu's Redis transport, made to survive a Redis that goes away while a worker holds unacknowledged messages.

What killed the worker (kombu 5.7, Celery 5.x): a worker holds countdown/ETA messages unacknowledged (acks_late)
and has a BRPOP outstanding. Redis stops. Celery's consumer then
1. calls `Connection.collect()`, which closes the task channel: `Channel.close()` first reads the reply of the
   outstanding BRPOP, that read raises ConnectionError, and the channel is left *not* marked closed; collect()
   then drops the transport's link to its connection (`transport.client = None`);
2. calls `Connection.close()`, which closes the same channel again: this time it goes on to restore the
   unacknowledged messages, needs a new Redis pool, and builds its parameters from `transport.client`, which is
   None: `AttributeError: 'NoneType' object has no attribute 'hostname'`. Celery does not count an
   AttributeError as a connection error: "Unrecoverable error", the worker exits and nothing consumes the
   beat's reconciliations any more.
Whether a BRPOP is outstanding at that moment is a race, hence "2 stops out of 3". The bounded broker retries
(`max_retries` in CELERY_BROKER_TRANSPORT_OPTIONS) play no part: the worker dies the same way without them, and
they are what keeps a save fast while Redis is down, so they stay.

The fix, in a subclass named by CELERY_BROKER_TRANSPORT: a failed drain of the BRPOP counts as drained (the
channel closes properly the first time), and a channel whose connection is gone raises a *connection* error
instead of the AttributeError, so Celery's ordinary reconnect loop takes over. Unacknowledged messages that
could not be restored stay in Redis's `unacked` hash and are restored after the visibility timeout; if Redis
lost them, the beat's reconciliation recomputes what they would have.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def close(self) -> None:
        if self._in_poll:
            try:
                self._brpop_read()
            except kombu_redis.Empty:
                pass
            except self.connection_errors:
                pass  # the connection is gone: nothing more will arrive on it (_brpop_read cleared _in_poll)
        super().close()

    def _connparams(self, asynchronous: bool = False) -> dict:
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection of this channel was closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
