"""Open data: public statistics (and, later, the OCDS export and the open-API-compatible reads)."""
