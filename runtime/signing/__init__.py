"""Direct URL signers for each provider: pure functions of credentials, object and clock.

No access decisions here (the runtime makes those before it calls a signer), no I/O, no logging: a signed
URL or a secret must never reach a log. Every signer takes ``now`` (UTC) so that tests can pin the clock
to published vectors, and is checked byte for byte against its provider's SDK and a real server.
"""
