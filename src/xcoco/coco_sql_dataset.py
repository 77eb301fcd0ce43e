"""
kwcoco-compatible import path for the database-backed dataset
(``kwcoco.coco_sql_dataset``).

The SQL backend (SQLite by default, PostgreSQL as a server) is not part of
this version of xcoco yet, so the module exports no names: importing it
works, and code that needs ``CocoSqlDatabase`` fails with an ImportError
that names the missing class.

Example:
    >>> import xcoco.coco_sql_dataset as mod
    >>> mod.__all__
    []
"""

__all__ = []
