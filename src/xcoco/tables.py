"""
The manifest's tables, named once: their order, the noun a message uses for
one of their objects, and the index attribute that holds them by id.

Example:
    >>> from xcoco.tables import TABLES, NOUN, INDEX_ATTR
    >>> TABLES[0], NOUN['keypoint_categories'], INDEX_ATTR['images']
    ('categories', 'keypoint category', 'imgs')
"""

__all__ = ['INDEX_ATTR', 'NOUN', 'TABLES']

#: the tables of a manifest, parents before the tables that refer to them
TABLES = ('categories', 'keypoint_categories', 'videos', 'images', 'tracks',
          'annotations')

#: table -> the singular noun messages use
NOUN = {
    'categories': 'category',
    'keypoint_categories': 'keypoint category',
    'videos': 'video',
    'images': 'image',
    'tracks': 'track',
    'annotations': 'annotation',
}

#: table -> attribute of an index that maps ids to the table's objects
INDEX_ATTR = {
    'categories': 'cats',
    'keypoint_categories': 'kpcats',
    'videos': 'videos',
    'images': 'imgs',
    'tracks': 'tracks',
    'annotations': 'anns',
}
