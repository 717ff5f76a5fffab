"""The knowledge base core: index, search, facets, snippets. The only package that knows the engine."""
