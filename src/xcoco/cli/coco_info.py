"""
``xcoco info`` (``tables``): the size of each table and the first rows of
the tables asked for, as aligned tables (or JSON with ``--format json``).
The manifest is read without building an index.

Example:
    >>> from xcoco.cli.coco_info import CocoInfoCLI
    >>> CocoInfoCLI.main(argv=['special:shapes2', '-c', '2'])  # doctest: +IGNORE_WANT
    .../data.kwcoco.json
    tables: categories=4  images=2  annotations=9 ...
    <BLANKLINE>
    categories (first 2 of 4)
    id  name        supercategory  keypoints
    0   background
    3   star        vector         []
    0
"""
from __future__ import annotations

import os
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import print_json, render_table

__all__ = ['CocoInfoCLI', 'read_tables']

#: option -> table, in kwcoco's order
_SHOW = {'show_info': 'info', 'show_licenses': 'licenses', 'show_categories': 'categories',
         'show_videos': 'videos', 'show_images': 'images', 'show_tracks': 'tracks',
         'show_annotations': 'annotations'}


def _count_option(table, short):
    return Value('auto' if table == 'info' else 0, kind='auto', short_alias=[short], bare=True,
                 help=f'how many {table} rows to show (alone, or True: all)'
                      + (" (auto: all when no other table is asked for)" if table == 'info' else ''))


class CocoInfoCLI(VerbCLI):
    """
    Print the size of every table and the first rows of chosen tables.

    Tables: -c categories, -g images, -a annotations, -v videos, -t tracks,
    -l licenses, -i info; each takes a number of rows, or alone means all.
    The manifest is read without building an index.

    Example:
        >>> config = CocoInfoCLI.cli(argv=['data.json', '-g', '3', '-c'])
        >>> config.show_images, config.show_categories
        (3, True)
    """

    __command__ = 'info'
    __alias__ = ['tables']
    __examples__ = [
        'xcoco info special:shapes8',
        'xcoco info special:shapes8 -c -g 2 -a 3',
        'xcoco tables special:vidshapes2 --show_videos --format json',
        'xcoco info special:shapes8 --image_name=img_00002',
    ]

    src = Value(None, position=1, help='input kwcoco path')
    show_info = _count_option('info', 'i')
    show_licenses = _count_option('licenses', 'l')
    show_categories = _count_option('categories', 'c')
    show_videos = _count_option('videos', 'v')
    show_images = _count_option('images', 'g')
    show_tracks = _count_option('tracks', 't')
    show_annotations = _count_option('annotations', 'a')
    rich = Value(True, kind='bool', help='accepted for kwcoco')
    verbose = Value(0, kind='auto', bare=1, help='also print the configuration (to stderr)')
    backend = Value('memory', choices=['memory', 'sqlite', 'postgresql'],
                    help='read through this backend (sqlite / postgresql: the cached SQL view)')
    image_name = Value(None, help='show the image with this name')
    format = Value('human', choices=['human', 'json'],
                   help="human tables or kwcoco's JSON document of the rows (xcoco default: human)")

    def run(self) -> int:
        """
        Print the tables; return 0.

        Example:
            >>> CocoInfoCLI(src='special:shapes2', format='json', show_images=1).run()  # doctest: +IGNORE_WANT
            {"images": [...]}
            0
        """
        import sys
        if self.verbose:
            print(repr(self), file=sys.stderr)
        fpath, data = read_tables(self.src)
        limits = _limits(self)
        shown: dict[str, Any] = {}
        for table, limit in limits.items():
            rows = data.get(table)
            if table == 'info':
                if limit and rows is not None:
                    shown[table] = rows[:limit] if isinstance(rows, list) and limit is not True \
                        else rows
                continue
            if limit and isinstance(rows, list):
                shown[table] = list(rows) if limit is True else rows[:limit]
        if self.image_name is not None:
            shown['images'] = [img for img in data.get('images', []) or []
                               if img.get('name') == self.image_name]
        if self.format == 'json':
            print_json(shown)
            return 0
        print(fpath)
        sizes = '  '.join(f'{key}={len(value)}' for key, value in data.items()
                          if isinstance(value, list))
        print(f'tables: {sizes}')
        for table, rows in shown.items():
            total = data.get(table)
            print()
            if isinstance(rows, dict):
                print(table)
                print(render_table(['value'], [(k, [v]) for k, v in rows.items()], index_name='key')
                      if rows else '(empty)')
                continue
            count = len(total) if isinstance(total, list) else len(rows)
            title = f'{table} (first {len(rows)} of {count})' if len(rows) < count else f'{table} ({count})'
            if self.image_name is not None and table == 'images':
                title = f'images named {self.image_name!r} ({len(rows)})'
            print(title)
            print(_rows_table(rows) if rows else '(none)')
        return 0


def _limits(config):
    limits = {}
    for key, table in _SHOW.items():
        value = config[key]
        if value == 'auto':
            limits[table] = value
        elif value is True:
            limits[table] = True
        elif value is False or value is None:
            limits[table] = 0
        else:
            try:
                limits[table] = int(value)
            except (TypeError, ValueError):
                from xcoco.errors import UsageError
                raise UsageError(f'--{key}: expected a number of rows or True, got {value!r}') from None
    others = any(v for t, v in limits.items() if v != 'auto' and t != 'info') or \
        config['image_name'] is not None
    for table, value in limits.items():
        if value == 'auto':
            limits[table] = 0 if others else True
    return limits


def _rows_table(rows):
    columns: list = []
    for row in rows:
        if isinstance(row, dict):
            columns += [key for key in row if key not in columns]
    if not columns:
        return render_table(['value'], [(pos, [row]) for pos, row in enumerate(rows)])
    first, rest = columns[0], columns[1:]
    body = [(row.get(first), [row.get(col) for col in rest]) for row in rows if isinstance(row, dict)]
    return render_table(rest, body, index_name=str(first))


def read_tables(src: Any) -> tuple[str, dict]:
    """
    ``(path, manifest)`` of a path (read without an index) or a
    ``special:`` demo key.

    Example:
        >>> fpath, data = read_tables('special:shapes2')
        >>> len(data['images'])
        2
    """
    from xcoco.errors import UsageError
    if src is None:
        raise UsageError('no input dataset given (use --src or a positional path)')
    src = os.fspath(src)
    if os.path.exists(src):
        from xcoco.manifest.io import read_manifest
        return src, read_manifest(src)
    from xcoco.dataset import CocoDataset
    dset = CocoDataset.coerce(src)
    return dset.fpath, dset.dataset


# kwcoco's module-level names for the verb
__cli__ = CocoInfoCLI
_CLI = CocoInfoCLI
main = CocoInfoCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
