"""Customer notifications: render an outbox row, send it exactly once, SMS backends."""
