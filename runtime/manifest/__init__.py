"""Registration files (R12): their model, the integration's rules over them, and a streaming check of any size."""
