-- The demo app's schema as v1 runs it, made before Flyway was used (the v2 deployment baselines at version 1).
CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT NOT NULL);
INSERT INTO orders SELECT g, g * 100 FROM generate_series(1, 1000) g;
