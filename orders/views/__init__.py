"""Store pages for click-and-collect (work queue, pick lists, picking, hand-over) and returns.

Views parse the request, call a selector (``orders.queue``,
``orders.store_returns``) or one service (``orders.services.fulfilment``,
``orders.services.returns``) and render.  Every page works in the staff
member's current store and sees only the orders that store fulfils or
collects: another store's order number is a 404.  The returns counter also
reaches a purchase of another store through its customer, of the store's
market ("returns anywhere").
"""
