"""``python -m xcoco`` runs the command line interface."""
import sys

from xcoco.cli import main

if __name__ == '__main__':
    sys.exit(main())
