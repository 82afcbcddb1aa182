"""Server-rendered pages for store staff: home (my store, today's hours) and product lookup."""
