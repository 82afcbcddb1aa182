"""The pricing API: price a basket, look up prices, list offers, the offline rule snapshot.

Mounted at ``/api/v1/pricing/``.  Views parse the request, resolve who asks
for which channel, store and customer (``scope``), call one pricing selector
and render the answer with ``serializers``; errors are domain errors.
"""
