"""The breach register: facts, the 72-hour clock to the regulator, decisions with reasons."""
