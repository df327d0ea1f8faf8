"""Accessibility checks with axe-core (vendored from the npm registry), injected into the page."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def serious_violations(page) -> list[dict]:
    """Run axe on the page; return violations of serious or critical impact, summarised."""
    page.add_script_tag(path=str(AXE_SOURCE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
