-- v2 of the demo app reads orders.currency. An expand migration: v1, which does not read it, keeps working.
ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
