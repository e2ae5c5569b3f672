"""The privacy notice: built from the data map, checked, rendered, published in versions."""
