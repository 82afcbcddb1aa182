"""Services: every write of the retail core goes through these functions."""
