"""Sub-item wording as a layer of its own: pasting the ministry's text, wording packs.

Qt-free. The precedence of the texts lives in :mod:`desktop.catalog.wording`; this
package reads texts from outside (pasted text, the ministry's PDF, wording workbooks
and the shared pack folders) and turns them into plans applied through the session.
"""
