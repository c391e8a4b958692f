package dev.connecthack.cdc;

import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Your challenge 06 stream processors (Kafka Streams 4.1.2). `npm run challenge:06` compiles src/main/java with this
 * pom's dependencies and runs {@code main} with KAFKA_BOOTSTRAP_SERVERS and STATE_DIR set. Two applications:
 *
 * <ol>
 *   <li>orders-details (application.id my-orders-details): orders (key: order id; value: {id, total_amount,
 *       product_id, product_quantity, customer_id}) joined with customers and products, both as GlobalKTables keyed by
 *       id, into {...order, customer: {...}, product: {...}} on orders-details. Orders with product_quantity &le; 0 or an
 *       unknown customer or product go to orders-dlq as {order: {...}, reason: "..."} instead.
 *   <li>orders-totals (application.id my-orders-totals): orders-details grouped by customer_id into {customer_id,
 *       order_count, total_amount} on orders-totals-by-customer (key: the customer id); a deleted customer's totals
 *       become a tombstone (a tombstone on customers removes them). Use exactly_once_v2.
 * </ol>
 *
 * Values on customers and products are JsonConverter's {schema, payload}: read the payload; a deleted row's payload is
 * null (treat it as a tombstone). The reference:
 * ../../solution/processor.
 */
public final class MyOrdersStreams {
  public static void main(String[] args) throws InterruptedException {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "my-orders-details");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    StreamsBuilder builder = new StreamsBuilder();
    // TODO 2: build the orders-details topology (after the connectors: TODO 1 is in ../connectors), then start it.
    // TODO 3: build orders-totals in a second KafkaStreams with its own application.id, then start it.
    System.err.println(
        "TODO 2 (challenges/06-cdc-pipeline/pipeline/processor/src/main/java/dev/connecthack/cdc/MyOrdersStreams.java): nothing is processed yet.");
    Thread.currentThread().join(); // keeps running (doing nothing) until the harness stops it
  }
}
