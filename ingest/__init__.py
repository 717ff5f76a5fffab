"""Files → documents: extract text, detect language, derive metadata."""
