"""The four properties' checks, one module each, over one record's ``Subject``."""
