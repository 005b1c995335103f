"""CORS differences field by field, with severities that follow what the browser may now do."""

from __future__ import annotations

from tether.drift import cors

RULE = {
    "AllowedOrigins": ["https://app.example.com"],
    "AllowedMethods": ["GET", "HEAD"],
    "AllowedHeaders": ["Range"],
    "ExposeHeaders": ["Content-Length", "ETag"],
    "MaxAgeSeconds": 3600,
}


def live(**changes: object) -> list[dict[str, object]]:
    return [{**RULE, **changes}]


def test_same_rule_reordered_and_recased_is_in_sync() -> None:
    rule = {"MaxAgeSeconds": "3600", "ExposeHeaders": ["etag", "content-length"], "AllowedHeaders": ["range"],
            "AllowedMethods": ["HEAD", "get"], "AllowedOrigins": ["https://app.example.com/"], "ID": "x"}
    assert cors.compare(cors.S3_FIELDS, [RULE], [rule]) == []


def test_origin_widened_to_star_is_critical() -> None:
    [difference] = cors.compare(cors.S3_FIELDS, [RULE], live(AllowedOrigins=["*"]))
    assert (difference.path, difference.kind, difference.severity) == ("cors[0].AllowedOrigins", "changed", "critical")
    assert (difference.expected, difference.actual) == (["https://app.example.com"], ["*"])
    assert difference.spec_path == ("cors", "origins")


def test_deleted_cors_is_missing_high() -> None:
    for gone in (None, []):
        [difference] = cors.compare(cors.S3_FIELDS, [RULE], gone)
        assert (difference.path, difference.kind, difference.severity) == ("cors[0]", "missing", "high")


def test_changed_max_age_is_low() -> None:
    [difference] = cors.compare(cors.S3_FIELDS, [RULE], live(MaxAgeSeconds=60))
    assert (difference.kind, difference.severity, difference.expected, difference.actual) == ("changed", "low", 3600, 60)


def test_added_method_is_high_removed_origin_medium() -> None:
    found = {d.path: d.severity for d in cors.compare(cors.S3_FIELDS, [RULE], live(AllowedMethods=["GET", "HEAD", "PUT"]))}
    assert found == {"cors[0].AllowedMethods": "high"}
    [removed] = cors.compare(cors.S3_FIELDS, [RULE], live(AllowedOrigins=["https://other.example.com"]))
    assert removed.severity == "critical"  # another origin was added as well as ours removed
    [only_removed] = cors.compare(cors.S3_FIELDS, [RULE], live(AllowedOrigins=[]))
    assert only_removed.severity == "medium"


def test_extra_rule_is_judged_by_what_it_adds_and_named_by_its_origins() -> None:
    """An added rule widening methods is as high as the same widening in the managed rule; the paths
    name rules by their origins, so reordering the live rules changes nothing."""
    other = {"AllowedOrigins": ["https://evil.example.net"], "AllowedMethods": ["GET"]}
    same = {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["DELETE"]}
    narrower = {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"]}
    found = cors.compare(cors.S3_FIELDS, [RULE], [other, RULE, same, narrower])
    assert [(d.path, d.kind, d.severity) for d in found] == [
        ("cors[+https://evil.example.net]", "extra", "critical"), ("cors[+https://app.example.com]", "extra", "high"),
        ("cors[+https://app.example.com]", "extra", "medium"),
    ]
    assert [d.meaning for d in found][1] == "an unmanaged rule: browsers may now send DELETE across origins"
    reordered = cors.compare(cors.S3_FIELDS, [RULE], [narrower, same, RULE, other])
    assert sorted((d.path, d.severity) for d in reordered) == sorted((d.path, d.severity) for d in found)


def test_azure_comma_joined_and_gcs_fields() -> None:
    want = {"allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET", "HEAD"], "allowedHeaders": ["Range"],
            "exposedHeaders": ["ETag"], "maxAgeInSeconds": 3600}
    got = {"allowedOrigins": "https://app.example.com", "allowedMethods": "GET,HEAD", "allowedHeaders": "Range",
           "exposedHeaders": "ETag", "maxAgeInSeconds": 3600}
    assert cors.compare(cors.AZURE_FIELDS, [want], [got]) == []
    gcs = {"origin": ["https://app.example.com"], "method": ["GET"], "responseHeader": ["Range"], "maxAgeSeconds": 3600}
    [difference] = cors.compare(cors.GCS_FIELDS, [gcs], [{**gcs, "origin": ["*"]}])
    assert difference.path == "cors[0].origin" and difference.severity == "critical"
