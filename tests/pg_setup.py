"""
How the test session gets a PostgreSQL server (see the fixtures in
conftest.py): the binaries already here, else Debian's ``postgresql``
package installed by the session when it may (root, apt-get, no opt-out).
"""
import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

from xcoco.errors import XcocoError
from xcoco.testing_pg import INSTALL_HINT, TemporaryPostgres, find_postgres_bindir


def apt_install_postgresql(log):
    """
    Install Debian's ``postgresql`` package when its binaries are missing;
    returns None on success, else why nothing was installed.
    """
    if os.environ.get('XCOCO_NO_APT') or os.environ.get('XCOCO_POSTGRES_BINDIR'):
        return 'automatic install disabled (XCOCO_NO_APT or XCOCO_POSTGRES_BINDIR is set)'
    if os.geteuid() != 0:
        return 'not root, so the test session does not install it'
    if not Path('/etc/debian_version').exists() or shutil.which('apt-get') is None:
        return 'not a Debian system with apt-get, so the test session does not install it'
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    lock_opt = ['-o', 'DPkg::Lock::Timeout=600']
    # policy-rc.d exit 101 keeps the package's own cluster from being
    # started as a service (it would outlive the tests)
    policy = Path('/usr/sbin/policy-rc.d')
    # one install at a time across concurrent sessions (apt's own lock
    # would make the second fail rather than wait for the package)
    lock_dpath = '/var/lock' if os.path.isdir('/var/lock') else '/tmp'
    with open(os.path.join(lock_dpath, 'xcoco-postgresql-install.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if find_postgres_bindir() is not None:   # another session installed it
            return None
        made_policy = not policy.exists()
        if made_policy:
            policy.write_text('#!/bin/sh\nexit 101\n')
            policy.chmod(0o755)
        try:
            for command in [['apt-get', '-q', *lock_opt, 'update'],
                            ['apt-get', '-q', '-y', *lock_opt, 'install', '--no-install-recommends',
                             'postgresql']]:
                log('running ' + ' '.join(command))
                try:
                    proc = subprocess.run(command, capture_output=True, text=True, env=env,
                                          stdin=subprocess.DEVNULL, timeout=1200)
                except subprocess.TimeoutExpired:
                    return f'{" ".join(command)} took more than 20 minutes'
                if proc.returncode != 0:
                    tail = '\n'.join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
                    return f'{" ".join(command)} failed (exit {proc.returncode}): {tail}'
        finally:
            if made_policy:
                policy.unlink()
    return None if find_postgres_bindir() is not None else 'apt-get installed postgresql, yet no binaries'


def start_postgres(log):
    """
    A started TemporaryPostgres and None, or None and why no server could be had.
    """
    if find_postgres_bindir() is None:
        started = time.perf_counter()
        why_not = apt_install_postgresql(log)
        if why_not is not None:
            return None, f'PostgreSQL server binaries not found and not installed ({why_not}): {INSTALL_HINT}'
        log(f'installed postgresql in {time.perf_counter() - started:.0f} s')
    try:
        return TemporaryPostgres().start(), None
    except XcocoError as ex:
        return None, f'no PostgreSQL server could be started: {ex}'
