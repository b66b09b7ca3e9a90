"""Full scoring: ``score(catalog, answers)`` of each shipped catalog with every item answered.

Every item gets an answer the session accepts (checks 該当/非該当, all-of items part
by part, an option for tiers/count/choice, a whole number for external items; the
state-scored ones as estimates), checked through ``Session.validate_answers``' own
normalisation first. The figure is the median of many runs, in milliseconds; the
scored total is reported too, so a run that scored nothing would show.
"""

from __future__ import annotations

import time

from benchmarks.common import child_main, summary
from benchmarks.fixtures import full_answers


def measure(runs: int = 500) -> dict:
    from desktop.catalog import registry
    from desktop.scoring import score
    from desktop.scoring.answers import normalize

    results = {}
    for catalog in sorted(registry.catalogs(), key=lambda c: c.fiscal_year):
        answers = full_answers(catalog, seed=catalog.fiscal_year)
        for target, value in answers.items():
            if normalize(catalog, target, value) != value:
                raise ValueError(f"{catalog.id}: {target}={value!r} is not a stored answer")
        answered_items = sum(
            1
            for item in catalog.all_items()
            if item.id in answers or any(part.id in answers for part in item.parts)
        )
        items = sum(1 for _ in catalog.all_items())
        if answered_items != items:
            raise ValueError(f"{catalog.id}: only {answered_items} of {items} items answered")
        score(catalog, answers)  # warm-up
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            tree = score(catalog, answers)
            samples.append((time.perf_counter() - start) * 1000)
        results[catalog.id] = {
            "items": items,
            "ms": summary(samples, digits=4),
            "points": tree.root.points,
            "projected_points": tree.root.projected_points,
        }
    return {"runs": runs, "catalogs": results}


if __name__ == "__main__":
    child_main(measure)
