// Progressive enhancement for the licensing form (filled in by a later change).
