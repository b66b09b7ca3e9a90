"""The ministry's national results workbook (全国集計結果, 市町村分): read, check, store, analyse.

No Qt here. The reader (:mod:`desktop.national.reader`) finds everything by its label
and refuses a file it does not understand; the library
(:mod:`desktop.national.library`) keeps one dataset per fiscal year in a file of its
own; :mod:`desktop.national.analysis` computes ranks, peers and the prefecture view.
"""

from desktop.national.errors import NationalFileError

__all__ = ["NationalFileError"]
