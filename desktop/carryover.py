"""Former home of :mod:`desktop.evaluation.carryover`, kept so that the old import path works.

``desktop.carryover`` *is* the new module (same object), so patching either patches both.
"""

import sys

from desktop.evaluation import carryover as _carryover

sys.modules[__name__] = _carryover
