"""``python -m xcoco.cli`` (and ``python -m kwcoco.cli`` under the alias) runs ``xcoco``."""
import sys

from xcoco.cli import main

if __name__ == '__main__':
    sys.exit(main())
