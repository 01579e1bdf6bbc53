"""Readers and writers of the four exchange formats, all through FeatureCollection."""
