"""The data map as code: schema, loader, taxonomy, checks, notice and ROPA."""
