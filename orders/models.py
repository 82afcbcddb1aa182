"""Orders orchestrate processes that span pricing, inventory and loyalty (later issues).

The only app that may import all the others.
"""
