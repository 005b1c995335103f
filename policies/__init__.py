"""Tether's policy rules: one rule set, judged by `tether lint` at review time and by the Pulumi pack at deploy time.

Each rule lives in its own module under ``policies.rules`` and judges one integration: what the spec
says (intent) and the configuration being applied (the desired state, rendered from the spec by lint
or rebuilt from Pulumi resource properties by the pack). Nothing here imports Pulumi; only
``policies.pack`` and ``policies/__main__.py`` do.
"""
