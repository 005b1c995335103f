"""Real local servers that stand in for the clouds: SeaweedFS (S3 with real SigV4 checks), Azurite (Azure Blob
with real SAS checks) and moto (AWS control plane).

Each starts on 127.0.0.1 on free ports, is ready when a real request answers (polled, never slept on), and
stops with SIGTERM then SIGKILL. Handles carry the endpoint, the credentials, the pid and the ports, so a
server started by one process (``tether sandbox up``) can be stopped by another (``tether sandbox down``).
"""
