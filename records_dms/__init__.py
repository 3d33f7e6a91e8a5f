"""records-dms: customer dossiers, retention and a signed checkout register for QMS archives."""
