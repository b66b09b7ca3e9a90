"""``python -m benchmarks``: run the suite and print one JSON object (see run.py)."""

import sys

from benchmarks.run import main

if __name__ == "__main__":
    sys.exit(main())
