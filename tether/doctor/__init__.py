"""`tether doctor`: the path a label editor's browser takes to one object, checked against the live store.

Each integration is signed for, probed the way Chromium requests media (a ranged CORS GET, the preflight
only where the browser sends one, HEAD), and judged the way Chromium judges the answers; TLS, the URL's real
lifetime, keys that need encoding, playback and the bucket's region complete the picture. Read-only.
"""
