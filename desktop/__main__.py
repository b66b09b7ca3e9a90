"""``python -m desktop`` does what the ``hyoka-desk`` command does."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
