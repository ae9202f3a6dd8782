"""metaautoml."""
