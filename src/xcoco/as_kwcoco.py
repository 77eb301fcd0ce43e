"""
Run unchanged kwcoco code on xcoco, the way ``python`` would run it::

    python -m xcoco.as_kwcoco script.py [args]
    python -m xcoco.as_kwcoco -m module [args]
    python -m xcoco.as_kwcoco -c code [args]

``kwcoco`` and every ``kwcoco.*`` module path are served by xcoco (see
:mod:`xcoco.kwcoco_alias`); the program sees the ``sys.argv``,
``sys.path[0]`` and ``__name__ == '__main__'`` that plain ``python`` gives
it, and an uncaught exception prints its traceback (without this runner's
frames) and exits with status 1.

Example:
    >>> import subprocess, sys
    >>> code = 'import sys, kwcoco.coco_image as m; print(m.CocoImage.__module__, sys.argv)'
    >>> out = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', '-c', code, 'a', '-b'],
    ...                      capture_output=True, text=True)
    >>> print(out.stdout.strip())
    xcoco.objects.image ['-c', 'a', '-b']
"""
import builtins
import importlib.machinery
import io
import os
import runpy
import sys
import types
import zipfile

__all__ = ['USAGE', 'main']

USAGE = """\
usage: python -m xcoco.as_kwcoco script.py [args ...]
       python -m xcoco.as_kwcoco -m module [args ...]
       python -m xcoco.as_kwcoco -c code [args ...]

Runs a program with 'kwcoco' (and every 'kwcoco.*' module) served by xcoco.
"""


def _run_as_main(code, **attrs):
    # A fresh __main__ module, as python makes for a script or -c; it stays
    # in sys.modules afterwards (atexit handlers and pickling may need it).
    main = types.ModuleType('__main__')
    main.__dict__.update(__builtins__=builtins, __spec__=None, **attrs)
    sys.modules['__main__'] = main
    exec(code, main.__dict__)


def _run_script_file(script):
    # python shows the absolute path in __file__ and tracebacks but keeps
    # argv[0] as typed, which runpy.run_path does not
    fpath = os.path.abspath(script)
    with io.open_code(fpath) as file:
        source = file.read()
    code = compile(source, fpath, 'exec', dont_inherit=True)
    _run_as_main(code, __file__=fpath, __cached__=None,
                 __loader__=importlib.machinery.SourceFileLoader('__main__', fpath))


def _find_spec_or_none(modname):
    import importlib.util
    try:
        return importlib.util.find_spec(modname)
    except ModuleNotFoundError:
        return None  # a parent package is missing


def _report_uncaught(exc):
    # Hide this runner's and runpy's frames: the traceback starts where
    # the user's program does, as with plain python.
    ours = {os.path.abspath(__file__), os.path.abspath(runpy.__file__), '<frozen runpy>'}
    tb = exc.__traceback__
    while tb is not None and _frame_file(tb) in ours:
        tb = tb.tb_next
    exc.__traceback__ = tb
    sys.excepthook(type(exc), exc, tb)


def _frame_file(tb):
    fname = tb.tb_frame.f_code.co_filename
    return fname if fname.startswith('<') else os.path.abspath(fname)


def main(argv=None):
    """
    Install the kwcoco alias and run a script, module or code string.

    Args:
        argv (list[str] | None): the arguments after ``-m xcoco.as_kwcoco``
            (default: ``sys.argv[1:]``).

    Returns:
        int: the exit status when the program ran to its end (0), the
        program raised (1) or the arguments were wrong (2); a
        ``SystemExit`` from the program passes through unchanged.

    Example:
        >>> import subprocess, sys, tempfile, ubelt as ub
        >>> script = ub.Path(tempfile.mkdtemp()) / 'prog.py'
        >>> _ = script.write_text('\\n'.join([
        ...     'import sys',
        ...     'from kwcoco.coco_dataset import CocoDataset',
        ...     'if __name__ == "__main__":',
        ...     '    print(CocoDataset.__module__, sys.argv[1:])',
        ...     '    sys.exit(3)',
        ... ]))
        >>> out = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', str(script), '--flag'],
        ...                      capture_output=True, text=True)
        >>> out.stdout.strip(), out.returncode
        ("xcoco.dataset ['--flag']", 3)
    """
    from xcoco.kwcoco_alias import install_as_kwcoco

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {'-h', '--help'}:
        stream = sys.stdout if args else sys.stderr
        stream.write(USAGE)
        return 0 if args else 2
    if args[0] in {'-m', '-c'} and len(args) < 2:
        sys.stderr.write(f'Argument expected for the {args[0]} option\n{USAGE}')
        return 2
    install_as_kwcoco()
    try:
        if args[0] == '-m':
            if _find_spec_or_none(args[1]) is None:
                sys.stderr.write(f'{sys.executable}: No module named {args[1]}\n')
                return 1
            # run_module puts the module's file in argv[0], as python -m does
            sys.argv = [args[1], *args[2:]]
            runpy.run_module(args[1], run_name='__main__', alter_sys=True)
        elif args[0] == '-c':
            sys.argv = ['-c', *args[2:]]
            sys.path[0] = ''
            _run_as_main(compile(args[1], '<string>', 'exec'))
        else:
            script = args[0]
            if not os.path.exists(script):
                sys.stderr.write(f"{sys.executable}: can't open file "
                                 f"{os.path.abspath(script)!r}: [Errno 2] No such file or directory\n")
                return 2
            sys.argv = [script, *args[1:]]
            if os.path.isfile(script) and not zipfile.is_zipfile(script) \
                    and not script.endswith('.pyc'):
                sys.path[0] = os.path.dirname(os.path.abspath(script))
                _run_script_file(script)
            else:
                # a directory or zip app (run_path puts it on sys.path)
                runpy.run_path(script, run_name='__main__')
    except Exception as exc:
        _report_uncaught(exc)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
