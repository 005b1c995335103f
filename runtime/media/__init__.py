"""Media measured with ffprobe and Pillow, from a local file or through a signed URL (one measurer for
`tether metadata` and `tether register`): metadata blocks for registration files, smooth-playback checks (R13)."""
