"""Django's database cache, reading a key and writing a value each in one fixed statement.

Django's `set` counts the rows (and culls when there are too many), then in a transaction
looks the key up and updates or inserts it: COUNT, BEGIN, SELECT, UPDATE/INSERT, COMMIT.
PostgreSQL does the last four as one `INSERT ... ON CONFLICT DO UPDATE`, which every
rate-limit count and content-version change uses (CACHE_URL=db://). The rows are counted on
one set in COUNT_EVERY (an OPTIONS entry, default 20) rather than on each: the table may run
that many rows past MAX_ENTRIES before a cull, and a count of a big table is not free.
`get` reads one key with a fixed statement: Django's builds the statement and its date
converters on each call, which cost about a third of the CPU time of a read (every page reads
the content version, and every consultation request the sender's count). Everything else is
Django's own code.
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """The database cache with `get` as a fixed query and `set` as a single upsert (PostgreSQL)."""

    def __init__(self, table, params):
        super().__init__(table, params)
        self._count_every = max(1, int(params.get("OPTIONS", {}).get("COUNT_EVERY", 20)))
        self._sets = itertools.count()

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_read(self.cache_model_class)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {quote(self._table)} "
                f"WHERE {quote('cache_key')} = %s",
                [key],
            )
            row = cursor.fetchone()
        if row is None:
            return default
        value, expires = row
        if expires < tz_now():  # PostgreSQL returns an aware datetime (USE_TZ)
            self._base_delete_many([key])
            return default
        return pickle.loads(base64.b64decode(value.encode()))

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode != "set":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        tz = UTC if settings.USE_TZ else None
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=tz)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            if next(self._sets) % self._count_every == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            # No race to lose (Django's version tolerates a parallel INSERT of the same key).
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, "
                f"{quote('expires')}) VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                f"DO UPDATE SET {quote('value')} = EXCLUDED.{quote('value')}, "
                f"{quote('expires')} = EXCLUDED.{quote('expires')}",
                [key, value, expires],
            )
        return True
