"""
Stage 2 of the data flow: lookups built over the manifest dicts
(``imgs``, ``anns``, ``gid_to_aids`` ...) and the edits that keep the
manifest and the lookups in step.
"""
