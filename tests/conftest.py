"""Root fixtures: the real stand-in servers (started on demand, stopped after the session)."""

pytest_plugins = ["tests.servers", "tests.gcs_objects"]
