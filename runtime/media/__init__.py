"""Local media files measured with ffprobe: metadata blocks for registration files, smooth-playback checks (R13)."""
