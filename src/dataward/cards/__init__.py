"""Card numbers and bank details kept out of the systems' free text (msp-06)."""
