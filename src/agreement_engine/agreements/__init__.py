"""Agreement files: read, checked against the format's schema, and built into typed documents.

The package owns, in the order a file meets them:

- :mod:`.source` and :mod:`.positions`: safe YAML read with the place of every key and value
  (the data built in :mod:`.yaml_nodes`, malformed YAML said in :mod:`.yaml_syntax`);
- :mod:`.schema`: the JSON Schema check, with problems in the user's words
  (:mod:`.schema_messages`, :mod:`.schema_words`);
- :mod:`.parts`, :mod:`.documents`: the typed model (agreements, extensions, routines, the
  statute, figures; assumptions and their readings), built by :mod:`.build` and
  :mod:`.alternatives`, every formula compiled once;
- :mod:`.library`: every document loaded; :mod:`.readings`: a library under chosen readings.

It may import :mod:`agreement_engine.formula`, :mod:`agreement_engine.months` and
:mod:`agreement_engine.diagnostics`, and nothing above it.
"""
