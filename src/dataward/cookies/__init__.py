"""Cookie consent for the business's website: the banner script and the choices it records."""
