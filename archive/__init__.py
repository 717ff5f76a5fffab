"""The archive's operations (open, ingest, rebuild, upload, edit, delete, check, audit) and the CLI.

Sits above kb/ (the index) and ingest/ (files -> documents); used by the CLI and the app."""
