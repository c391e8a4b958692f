package dev.connecthack.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Challenge 06's two stream processors, one JVM, two Kafka Streams applications:
 *
 * <ul>
 *   <li><b>orders-details</b> (stateless join): {@code orders} joined with {@code customers} and {@code products}, both
 *       as global tables keyed by id, into enriched orders on {@code orders-details}; an order with quantity &le; 0 or
 *       an unknown customer or product goes to {@code orders-dlq} with the reason instead.
 *   <li><b>orders-totals</b> (stateful aggregation): {@code orders-details} grouped by customer id, count and total,
 *       where a tombstone on {@code customers} (a deleted customer) removes the customer's totals: a tombstone on
 *       {@code orders-totals-by-customer}, on which the MongoDB sink deletes the document.
 * </ul>
 *
 * Both run exactly_once_v2: a restart resumes from committed offsets and restored stores, counting nothing twice.
 */
public final class OrdersStreams {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * JSON values; Kafka Connect's {schema, payload} envelope (JsonConverter with schemas) is unwrapped, and a null
   * payload is a delete (null), as a tombstone is.
   */
  static final Serde<JsonNode> JSON_SERDE =
      Serdes.serdeFrom(
          (Serializer<JsonNode>)
              (topic, value) -> {
                try {
                  return value == null ? null : JSON.writeValueAsBytes(value);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
          (Deserializer<JsonNode>)
              (topic, bytes) -> {
                if (bytes == null) return null;
                try {
                  JsonNode node = JSON.readTree(bytes);
                  if (node != null && node.isObject() && node.size() == 2 && node.has("schema") && node.has("payload"))
                    node = node.get("payload");
                  // Debezium's ExtractNewRecordState turns a delete into a null value that keeps its schema, which
                  // JsonConverter writes as {"schema": …, "payload": null}: a delete all the same.
                  return node == null || node.isNull() ? null : node;
                } catch (Exception e) {
                  return null; // unreadable: treated as absent
                }
              });

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  static Properties props(String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, new File(env("STATE_DIR", "/tmp/kafka-streams"), applicationId).getPath());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return props;
  }

  static double money(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  static JsonNode deadLetter(JsonNode order, String reason) {
    ObjectNode letter = JSON.createObjectNode();
    letter.set("order", order);
    letter.put("reason", reason);
    return letter;
  }

  /** orders ⋈ customers ⋈ products → orders-details; bad orders → orders-dlq. */
  static StreamsBuilder details() {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalKTable<String, JsonNode> customers =
        builder.globalTable("customers", Consumed.with(Serdes.String(), JSON_SERDE), Materialized.as("customers-by-id"));
    GlobalKTable<String, JsonNode> products =
        builder.globalTable("products", Consumed.with(Serdes.String(), JSON_SERDE), Materialized.as("products-by-id"));
    KStream<String, JsonNode> orders = builder.stream("orders", Consumed.with(Serdes.String(), JSON_SERDE));
    KStream<String, JsonNode> enriched =
        orders
            .filter((key, order) -> order != null && order.isObject())
            .leftJoin(
                customers,
                (key, order) -> order.path("customer_id").asText(),
                (order, customer) -> {
                  ObjectNode result = order.deepCopy();
                  if (customer != null) result.set("customer", customer);
                  return result;
                })
            .leftJoin(
                products,
                (key, order) -> order.path("product_id").asText(),
                (order, product) -> {
                  ObjectNode result = (ObjectNode) order;
                  if (product != null) result.set("product", product);
                  return result;
                });
    enriched
        .split(Named.as("order-"))
        .branch(
            (key, order) -> order.path("product_quantity").asInt() <= 0,
            Branched.withConsumer(
                bad ->
                    bad.mapValues(order -> deadLetter(order, "quantity " + order.path("product_quantity").asInt() + " <= 0"))
                        .to("orders-dlq", Produced.with(Serdes.String(), JSON_SERDE))))
        .branch(
            (key, order) -> !order.has("customer"),
            Branched.withConsumer(
                bad ->
                    bad.mapValues(order -> deadLetter(order, "unknown customer " + order.path("customer_id").asText()))
                        .to("orders-dlq", Produced.with(Serdes.String(), JSON_SERDE))))
        .branch(
            (key, order) -> !order.has("product"),
            Branched.withConsumer(
                bad ->
                    bad.mapValues(order -> deadLetter(order, "unknown product " + order.path("product_id").asText()))
                        .to("orders-dlq", Produced.with(Serdes.String(), JSON_SERDE))))
        .defaultBranch(
            Branched.withConsumer(good -> good.to("orders-details", Produced.with(Serdes.String(), JSON_SERDE))));
    return builder;
  }

  /**
   * orders-details grouped by customer → count and total. A tombstone on customers (a deleted customer) reaches the
   * same aggregate as a marker and removes it: the aggregate's tombstone is what the MongoDB sink deletes on.
   */
  static StreamsBuilder totals() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, JsonNode> orders =
        builder
            .stream("orders-details", Consumed.with(Serdes.String(), JSON_SERDE))
            .filter((key, order) -> order != null)
            .selectKey((key, order) -> order.path("customer_id").asText());
    KStream<String, JsonNode> deletions =
        builder
            .stream("customers", Consumed.with(Serdes.String(), JSON_SERDE))
            .filter((customerId, customer) -> customerId != null && customer == null)
            .mapValues(customer -> (JsonNode) JSON.createObjectNode().put("deleted", true));
    orders
        .merge(deletions)
        .groupByKey(Grouped.with(Serdes.String(), JSON_SERDE))
        .aggregate(
            () -> (JsonNode) JSON.createObjectNode(),
            (customerId, event, sum) -> {
              if (event.path("deleted").asBoolean(false)) return null; // the customer is gone: so are its totals
              ObjectNode next = JSON.createObjectNode();
              next.put("customer_id", event.path("customer_id").asInt());
              next.put("order_count", sum == null ? 1 : sum.path("order_count").asLong(0) + 1);
              next.put(
                  "total_amount",
                  money((sum == null ? 0 : sum.path("total_amount").asDouble(0)) + event.path("total_amount").asDouble()));
              return next;
            },
            Materialized.with(Serdes.String(), JSON_SERDE))
        .toStream()
        .to("orders-totals-by-customer", Produced.with(Serdes.String(), JSON_SERDE));
    return builder;
  }

  public static void main(String[] args) throws InterruptedException {
    KafkaStreams details = new KafkaStreams(details().build(), props("orders-details"));
    KafkaStreams totals = new KafkaStreams(totals().build(), props("orders-totals"));
    CountDownLatch done = new CountDownLatch(1);
    for (KafkaStreams streams : new KafkaStreams[] {details, totals}) {
      streams.setUncaughtExceptionHandler(
          error -> {
            System.err.println("Stream processor failed: " + error);
            done.countDown();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                .SHUTDOWN_CLIENT;
          });
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  details.close();
                  totals.close();
                  done.countDown();
                }));
    details.start();
    totals.start();
    done.await();
    details.close();
    totals.close();
  }
}
