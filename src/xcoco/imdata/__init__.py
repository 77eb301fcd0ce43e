"""
Stage 4 of the data flow: pixels.  ``delayed`` builds the imdelay graph as
named steps, ``spaces`` holds asset / image / video geometry and
resolution, ``channels`` applies delayed-image's channel specs to manifest
dicts, ``backends`` picks the reader (GDAL, rasterio, or a full read).
"""
