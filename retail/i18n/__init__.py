"""Which language a staff user reads: their own choice, else their store's market.

The store pages and the admin follow ``StaffLanguageMiddleware``; the API
decides its own language.
"""
