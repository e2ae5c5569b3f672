"""The five example businesses, one package each: data map, README and sample-system generator."""
