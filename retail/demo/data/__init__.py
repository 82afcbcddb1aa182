"""Static, hand-written data the demo seed draws from: places, catalogue, people.

Nothing here touches the database or draws random numbers; the build steps in
``retail.demo`` combine these lists with a seeded ``random.Random``.
"""
