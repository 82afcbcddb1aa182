"""Import runs: spreadsheets of campaigns, coupon codes, prices, products and stock counts."""
