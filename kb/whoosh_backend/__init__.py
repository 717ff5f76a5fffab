"""The Whoosh backend: the embedded index, and every module that imports whoosh."""
