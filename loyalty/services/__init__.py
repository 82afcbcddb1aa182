"""Loyalty's services: the only code that changes balances, each in one transaction."""
