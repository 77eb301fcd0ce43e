"""
Stage 3 of the data flow: objects over the index — ``CocoImage`` and
``CocoAsset`` for one image / file, and the vectorized views
(``Images``, ``Annots`` ...) for many.
"""
