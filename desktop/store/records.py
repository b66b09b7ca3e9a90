"""Former home of the shared records; they now live in :mod:`desktop.records`.

Kept as a re-export so that code written against the old path still imports.
"""

from desktop.records import *  # noqa: F403
