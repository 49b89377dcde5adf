"""Django's PostgreSQL backend, checking a kept connection without a round trip to the server.

With persistent connections and CONN_HEALTH_CHECKS, Django runs `SELECT 1` before each
request's first query to find connections the server has dropped. That is one more trip to
PostgreSQL on every page that reads the database, about a tenth of a search's server time.

When PostgreSQL ends a connection (a restart, a failover, an administrator) it sends the
client an error and closes the socket, so an idle connection that has anything to read has
been dropped (or was sent something this site never asks for). This backend looks at the
socket without waiting: anything to read, or a broken connection, and Django opens a new one
before the request's first query, exactly as after a failed `SELECT 1`.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
