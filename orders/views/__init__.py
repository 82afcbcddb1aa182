"""Store pages for click-and-collect: work queue, pick lists, picking and hand-over.

Views parse the request, call a selector (``orders.queue``) or one service
(``orders.services.fulfilment``) and render.  Every page works in the staff
member's current store and sees only the orders that store fulfils or
collects: another store's order number is a 404.
"""
