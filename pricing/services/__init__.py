"""Pricing's writes: prices and their history, campaign status, coupons, the rules revision;
and the Omnibus reads.

One module per subject; every public function is ``<entity>_<verb>`` with
keyword-only arguments and owns its transaction.
"""
