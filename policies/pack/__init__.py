"""The deploy-time face of the rules: Pulumi resource properties rebuilt into the desired state.

``policies.pack.policies.build`` makes the pulumi-policy objects; only ``policies/__main__.py``
wraps them in a PolicyPack, whose constructor serves gRPC and never returns.
"""
