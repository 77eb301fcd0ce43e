"""
Stage 1 of the data flow: manifest files on disk <-> plain manifest dicts.

``io`` reads and writes JSON / zip atomically; ``locate`` resolves file names
against bundle folders; ``schema`` holds the JSON Schema of the manifest.
"""
