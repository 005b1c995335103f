"""Pulumi entry point (Pulumi.yaml `main`): provision the selected stack's integrations.

Reads stacks/<stack>/integrations.yaml, or the file config `tether:spec` names, and exports the
`integrations` records the runtime reads. All logic lives in components.program.
"""

from pathlib import Path

from components.program import main

main(Path(__file__).resolve().parent)
