"""PyInstaller run-time hook: PySide loads with the start-up cache of compiled code.

In the one-folder build, PyInstaller's own run-time hook for PySide6 imports
PySide6.QtCore before the program starts: desktop.cli.start_gui would come too late to
serve that import from desktop/compiled_code_cache.py (≈ 20 ms at every start,
benchmarks/README.md). PyInstaller runs custom run-time hooks (build.spec) before its own,
so this one reads the cache and imports PySide6.QtCore within it. It only reads: whether
a run keeps what it learnt stays start_gui's decision (never for --screenshot, never
for a command-line sub-command).
"""


def _import_pyside_with_the_cache() -> None:
    from desktop import compiled_code_cache
    from desktop.paths import user_cache_folder

    compiled_code_cache.read_folder(user_cache_folder())
    with compiled_code_cache.compiling_from_cache():
        import PySide6.QtCore  # noqa: F401  (what PyInstaller's PySide6 hook imports next)


_import_pyside_with_the_cache()
del _import_pyside_with_the_cache
