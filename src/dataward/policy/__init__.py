"""The data map as code: schema, loader, taxonomy, expressions and checks."""
