"""One module per rule (or per tight family of rules); ``policies.registry`` lists them all."""
