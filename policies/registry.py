"""Every rule, by id: the one list lint, the pack, the SARIF rule metadata and the README table read."""

from __future__ import annotations

from policies.rule import Rule
from policies.rules import (
    client_only,
    cors,
    direct_access,
    encryption,
    expiry,
    external_id,
    geography,
    grants,
    public,
    sas,
    tags,
    transport,
    trust,
)

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            public.RULE,
            transport.RULE,
            encryption.AT_REST,
            encryption.UNVERIFIED,
            cors.ORIGINS,
            cors.METHODS,
            cors.NARROW,
            expiry.RULE,
            sas.RULE,
            sas.DELEGATION,
            client_only.GUARD,
            client_only.NO_EQUIVALENT,
            direct_access.RULE,
            trust.RULE,
            external_id.RULE,
            grants.RULE,
            tags.RULE,
            geography.RULE,
        ),
        key=lambda rule: rule.id,
    )
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
