"""Relevance evaluation: judged queries, our search against a plain BM25 baseline (`make eval`)."""
