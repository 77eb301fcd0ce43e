"""
``xcoco validate``: check datasets against the schema and xcoco's rules;
exit status 1 when any error is found.

Example:
    >>> from xcoco.cli.coco_validate import CocoValidateCLI
    >>> CocoValidateCLI.main(argv=['special:shapes8', '--quiet'])  # doctest: +IGNORE_WANT
    .../data.kwcoco.json: OK (0 errors, 0 warnings)
    0
"""
from __future__ import annotations

import os
import sys
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import print_json, progress
from xcoco.errors import UsageError

__all__ = ['CocoValidateCLI', 'validate_source']

_SHOWN = 20  # problems listed per file unless --verbose 2


class CocoValidateCLI(VerbCLI):
    """
    Validate that datasets satisfy the kwcoco schema and expected properties.

    Checks the json-schema, unique ids and names, references between
    tables, geometry, channel specs and warps, and that registered files
    exist (and decode, with --corrupted).  Exit status 1 when errors are
    found.  Each problem names its rule, JSON path and object id.

    Example:
        >>> config = CocoValidateCLI.cli(argv=['a.json', 'b.json', '--corrupted=True'])
        >>> config.src, config.corrupted
        (['a.json', 'b.json'], True)
    """

    __command__ = 'validate'
    __examples__ = [
        'xcoco toydata --dst foo.json --key=special:shapes8',
        'xcoco validate --src=foo.json --corrupted=True',
        'xcoco validate foo.json --format json --missing=False',
    ]

    src = Value([], kind='list', item='str', split=False, nargs='+', position=1,
                help='paths to datasets')
    schema = Value(True, kind='bool', help='validate the json-schema')
    schema_backend = Value('auto', choices=['auto', 'jsonschema', 'fastjsonschema'],
                           help='accepted for kwcoco (xcoco checks with jsonschema)')
    unique = Value(True, kind='bool', help='validate unique ids and names')
    missing = Value(True, kind='bool', help='validate that registered files exist')
    corrupted = Value(False, kind='bool', help='validate that registered files decode (slow)')
    channels = Value(True, kind='bool', help='validate channel specs (parse, no repeats)')
    require_relative = Value(False, kind='auto', bare=True,
                             help='>0: absolute file names are errors; >1: names outside the bundle too')
    img_attrs = Value('warn', kind='auto',
                      help="images need width / height: 'warn', 'error' or False")
    annot_attrs = Value(False, kind='auto', help="annotations need a bbox: 'warn', 'error' or False")
    verbose = Value(1, kind='int', help='0: summary only, 1: list errors, 2: list every problem')
    fastfail = Value(False, kind='bool', help='stop at the first error')
    workers = Value(0, kind='int', help='threads decoding files for --corrupted')
    fix = Value(None, choices=[None, 'remove'],
                help="'remove': drop missing / corrupted images and write --dst (see fixup)")
    dst = Value(None, help='where --fix writes the fixed dataset')
    format = Value('human', choices=['human', 'json'], help='output format')

    def run(self) -> int:
        """
        Validate each source; return 1 when any has errors, else 0.

        Example:
            >>> CocoValidateCLI(src=['special:shapes2'], quiet=True, verbose=0).run()  # doctest: +IGNORE_WANT
            ...: OK (0 errors, 0 warnings)
            0
        """
        if not self.src:
            raise UsageError('no dataset given (use --src or positional paths)')
        if self.fix is not None and (self.dst is None or len(self.src) != 1):
            raise UsageError('--fix needs --dst and exactly one source')
        results = []
        for src in progress(list(self.src), self, 'validating'):
            results.append(validate_source(src, self))
        failed = any(r['errors'] for r in results)
        if self.format == 'json':
            print_json(results)
        else:
            for result in results:
                print(_human(result, self.verbose))
        sys.stdout.flush()
        if self.fix is not None:
            from xcoco.cli.coco_fixup import CocoFixup
            CocoFixup(src=self.src[0], dst=self.dst, quiet=self.quiet, workers=self.workers,
                      corrupted_assets=bool(self.corrupted)).run()
        return 1 if failed else 0


def _load_for_checking(src):
    """A dataset that loads even with broken references, so they get reported."""
    from xcoco.dataset import CocoDataset
    if os.path.exists(os.fspath(src)):
        return CocoDataset(os.fspath(src), autobuild=False)
    return CocoDataset.coerce(os.fspath(src))


def validate_source(src: Any, config: Any) -> dict[str, Any]:
    """
    The validation result of one source as plain data: ``fpath``,
    ``errors`` and ``warnings`` (each a dict with ``rule``, ``path``,
    ``id``, ``message``, ``severity``).

    Example:
        >>> result = validate_source('special:shapes2', CocoValidateCLI())
        >>> result['errors'], sorted(result)
        ([], ['errors', 'fpath', 'warnings'])
    """
    import warnings
    dset = _load_for_checking(src)
    options = {key: config[key] for key in ('schema', 'unique', 'missing', 'corrupted',
                                            'channels', 'require_relative', 'img_attrs',
                                            'annot_attrs', 'fastfail', 'workers')}
    with warnings.catch_warnings():
        # the warnings are reported below, each with its rule
        warnings.simplefilter('ignore')
        found = dset.validate(verbose=0, **options)
    return {'fpath': dset.fpath or os.fspath(src),
            'errors': [p.to_dict() for p in found['errors']],
            'warnings': [p.to_dict() for p in found['warnings']]}


def _human(result, verbose):
    errors, warns = result['errors'], result['warnings']
    status = 'FAILED' if errors else 'OK'
    lines = [f"{result['fpath']}: {status} ({len(errors)} errors, {len(warns)} warnings)"]
    if verbose >= 1:
        shown = errors if verbose >= 2 else errors[:_SHOWN]
        for problem in shown:
            lines.append(f"  error   [{problem['rule']}] {problem['path']}: {problem['message']}")
        if len(shown) < len(errors):
            lines.append(f'  ... and {len(errors) - len(shown)} more errors (--verbose 2 lists all)')
    if verbose >= 2:
        for problem in warns:
            lines.append(f"  warning [{problem['rule']}] {problem['path']}: {problem['message']}")
    elif warns and verbose >= 1:
        counts: dict[str, int] = {}
        for problem in warns:
            counts[problem['rule']] = counts.get(problem['rule'], 0) + 1
        summary = ', '.join(f'{rule} x{num}' for rule, num in counts.items())
        lines.append(f'  warnings by rule: {summary} (--verbose 2 lists them)')
    return '\n'.join(lines)


# kwcoco's module-level names for the verb
__cli__ = CocoValidateCLI
_CLI = CocoValidateCLI
main = CocoValidateCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
