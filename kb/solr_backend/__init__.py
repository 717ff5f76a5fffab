"""The Solr backend: the archive's documents in a SolrCloud collection (KB_ENGINE=solr).

Every Solr-specific piece lives here: the HTTP client (client.py), the query plan compiled to Solr's
standard syntax (compile.py) and the backend itself (backend.py). The configset it expects is
solr/configset/network-kb/ (docs/solr.md).
"""
