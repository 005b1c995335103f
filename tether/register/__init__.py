"""`tether register`: registration files built from what is in the bucket, with the customer's credentials.

Listing (``listing``) streams the keys under the integration's prefixes; each object is classified
(``classify``) and measured through a signed URL without downloading it whole (``measure``); results go
to a SQLite state file (``state``) so a run resumes and a later run only measures what changed; files are
written streamed and split (``write``); ``shard`` splits the keyspace across machines and ``run`` ties it up.
"""
