"""
Dataset operations: functions that take datasets and return datasets or
reports (union, subset, reroot, stats, hashid, validate, conform).
"""
