-- Challenge 06: the shop's tables. Debezium captures customers and products; orders are produced to Kafka by the
-- harness's orders producer, which reads customers and products from here. Rows come from the seeded generator.
CREATE DATABASE IF NOT EXISTS shop;
USE shop;
CREATE TABLE IF NOT EXISTS customers (
  id INT PRIMARY KEY,
  customer_name VARCHAR(120) NOT NULL,
  customer_email VARCHAR(160) NOT NULL,
  customer_address VARCHAR(255) NOT NULL,
  card_number VARCHAR(19) NOT NULL,
  level VARCHAR(16) NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
  id INT PRIMARY KEY,
  product_name VARCHAR(160) NOT NULL,
  product_cost DECIMAL(10, 2) NOT NULL
);
