"""Pulumi components: one per provider, each a thin translation of the renderer's desired state.

Every decision (what CORS, which grants, which policy statements) is made once in ``tether.desired``;
these components only rename its fields into Pulumi arguments, one child resource per concern, so
what `pulumi up` applies and what drift detection expects cannot disagree. Importing this package is
cheap: the Pulumi SDKs load with the submodules that need them.
"""
