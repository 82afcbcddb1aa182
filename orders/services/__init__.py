"""Orders' writes: placing, fulfilling, receipts, returns, refunds, notifications.

Each public function is ``<entity>_<verb>`` with keyword-only arguments and
owns its transaction.  Orders is the one app that calls pricing, inventory
and loyalty; it does so only through their services and selectors.
"""
