"""Hyoka Desk (交付金評価デスク).

The package is layered: ``catalog`` → ``scoring`` → ``store`` → ``workbook`` /
``report`` → ``ui``. Only ``desktop.ui`` imports Qt.
"""

__version__ = "0.1.0"
APP_NAME = "Hyoka Desk"
APP_NAME_JA = "交付金評価デスク"
ORG_NAME = "HyokaDesk"
