"""Identity: organisations (agencies and supplier firms), people, roles, sign-in and sessions."""
