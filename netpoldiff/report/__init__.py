"""Reports: one renderer per format, each returning text; nothing here prints."""
