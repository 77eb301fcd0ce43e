"""
The SQL backend: a dataset stored in SQLite (embedded, the default) or
PostgreSQL (a server several machines share), read through the same surface
as the in-memory :class:`xcoco.CocoDataset` and edited in transactions that
many processes can run at once.

Modules: :mod:`~xcoco.sql.dialect` (URIs, connections, what differs between
the two databases), :mod:`~xcoco.sql.schema` (tables), :mod:`~xcoco.sql.populate`
(bulk load), :mod:`~xcoco.sql.proxies` (the lazy index),
:mod:`~xcoco.sql.writes` (edits), :mod:`~xcoco.sql.database`
(:class:`CocoSqlDatabase`), :mod:`~xcoco.sql.views` (cached views,
``coerce`` with a backend).

Pointing xcoco at your own PostgreSQL server: ``pip install "psycopg[binary]"``
and open ``CocoSqlDatabase('postgresql://user:password@host:5432/dbname')``
(the database is created if the user may), or set ``XCOCO_POSTGRESQL_URI``
to the server for ``dset.view_sql(backend='postgresql')``.

Example:
    >>> import xcoco
    >>> from xcoco.sql import CocoSqlDatabase
    >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
    >>> db.basic_stats()['n_anns']
    11
"""
from xcoco.sql.database import CocoSqlDatabase

__all__ = ['CocoSqlDatabase']
