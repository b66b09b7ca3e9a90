"""Former home of :mod:`desktop.evaluation.session`, kept so that the old import path works.

``desktop.session`` *is* the new module (same object), so patching either patches both.
"""

import sys

from desktop.evaluation import session as _session

sys.modules[__name__] = _session
