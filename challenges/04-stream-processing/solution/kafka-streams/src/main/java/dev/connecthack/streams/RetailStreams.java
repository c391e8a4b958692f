package dev.connecthack.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Challenge 04's reference: inventory on hand and the top-5 products, computed from the input topics with
 * Kafka Streams (exactly_once_v2, RocksDB state stores).
 *
 * <p>inventory-on-hand: initial stock (product-inventory-capacity.expected) + replenished − purchased + returned,
 * per product, joined with the product's name. top-5-products: per product the count, sum, highest, lowest and
 * most recent rating (by ratedAt, so a late rating does not replace a newer one), joined with the product; then
 * all products on one key, ranked by exact average (sum/count compared by cross-multiplication), more ratings
 * first on equal averages, then the product id; ranks 1–5 written keyed by rank.
 */
public final class RetailStreams {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TOP_N = 5;

  /** JSON values as Jackson trees; a value that is not JSON is dropped (null) rather than stopping the app. */
  static final Serde<JsonNode> JSON_SERDE =
      Serdes.serdeFrom(
          (Serializer<JsonNode>)
              (topic, node) -> {
                try {
                  return node == null ? null : JSON.writeValueAsBytes(node);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
          (Deserializer<JsonNode>)
              (topic, bytes) -> {
                try {
                  return bytes == null ? null : JSON.readTree(bytes);
                } catch (Exception e) {
                  return null;
                }
              });

  public static Topology topology() {
    StreamsBuilder builder = new StreamsBuilder();
    Consumed<String, JsonNode> consumed = Consumed.with(Serdes.String(), JSON_SERDE);
    KTable<String, JsonNode> products =
        builder.table(
            "products",
            consumed,
            Materialized.<String, JsonNode, KeyValueStore<Bytes, byte[]>>as("products-store")
                .withKeySerde(Serdes.String())
                .withValueSerde(JSON_SERDE));

    // Inventory: every input event becomes a signed change of its product's stock.
    KStream<String, JsonNode> changes =
        change(builder.stream("product-inventory-capacity", consumed), "expected", 1, "")
            .merge(change(builder.stream("inventory-replenishment", consumed), "quantity", 1, "replenishedAt"))
            .merge(change(builder.stream("purchases", consumed), "quantity", -1, "purchasedAt"))
            .merge(change(builder.stream("returns", consumed), "quantity", 1, "returnedAt"));
    KTable<String, JsonNode> stock =
        changes
            .groupByKey(Grouped.with("inventory-by-product", Serdes.String(), JSON_SERDE))
            .aggregate(
                () -> JSON.createObjectNode().put("onHand", 0L).put("updatedAt", ""),
                (productId, change, total) -> {
                  ObjectNode next = total.deepCopy();
                  next.put("onHand", total.get("onHand").asLong() + change.get("delta").asLong());
                  String at = change.get("at").asText();
                  if (at.compareTo(total.get("updatedAt").asText()) > 0) next.put("updatedAt", at);
                  return next;
                },
                Materialized.<String, JsonNode, KeyValueStore<Bytes, byte[]>>as("inventory-store")
                    .withKeySerde(Serdes.String())
                    .withValueSerde(JSON_SERDE));
    stock
        .leftJoin(products, RetailStreams::inventoryRecord)
        .toStream()
        .mapValues((productId, value) -> (JsonNode) ((ObjectNode) value).put("id", productId).put("productId", productId))
        .to("inventory-on-hand", Produced.with(Serdes.String(), JSON_SERDE));

    // Ratings: stats per product, then every product's stats on one key, ranked.
    KTable<String, JsonNode> stats =
        builder.stream("product-ratings", consumed)
            .filter((key, rating) -> rating != null && rating.hasNonNull("productId"))
            .selectKey((key, rating) -> rating.get("productId").asText())
            .groupByKey(Grouped.with("ratings-by-product", Serdes.String(), JSON_SERDE))
            .aggregate(
                () -> null,
                (productId, rating, current) -> addRating(productId, current, rating),
                Materialized.<String, JsonNode, KeyValueStore<Bytes, byte[]>>as("rating-stats-store")
                    .withKeySerde(Serdes.String())
                    .withValueSerde(JSON_SERDE));
    stats
        .leftJoin(products, RetailStreams::withProduct)
        .groupBy(
            (productId, value) -> KeyValue.pair("all", value),
            Grouped.with("ranking", Serdes.String(), JSON_SERDE))
        .aggregate(
            JSON::createObjectNode,
            (all, value, board) -> ((ObjectNode) board.deepCopy()).set(value.get("productId").asText(), value),
            (all, value, board) -> {
              ObjectNode next = board.deepCopy();
              next.remove(value.get("productId").asText());
              return next;
            },
            Materialized.<String, JsonNode, KeyValueStore<Bytes, byte[]>>as("ranking-store")
                .withKeySerde(Serdes.String())
                .withValueSerde(JSON_SERDE))
        .toStream()
        .flatMap((all, board) -> ranks(board))
        .to("top-5-products", Produced.with(Serdes.String(), JSON_SERDE));
    return builder.build();
  }

  /** Re-keys an input event by its product: {delta, at}. */
  static KStream<String, JsonNode> change(KStream<String, JsonNode> events, String field, int sign, String timeField) {
    return events
        .filter((key, event) -> event != null && event.hasNonNull("productId") && event.hasNonNull(field))
        .map(
            (key, event) ->
                KeyValue.pair(
                    event.get("productId").asText(),
                    (JsonNode)
                        JSON.createObjectNode()
                            .put("delta", sign * event.get(field).asLong())
                            .put("at", timeField.isEmpty() ? "" : event.path(timeField).asText(""))));
  }

  static JsonNode inventoryRecord(JsonNode total, JsonNode product) {
    return JSON.createObjectNode()
        .put("productName", product == null ? "" : product.path("name").asText(""))
        .put("onHand", total.get("onHand").asLong())
        .put("updatedAt", total.get("updatedAt").asText());
  }

  static JsonNode addRating(String productId, JsonNode current, JsonNode rating) {
    int stars = rating.get("rating").asInt();
    String at = rating.path("ratedAt").asText("");
    String id = rating.path("id").asText("");
    ObjectNode next =
        current == null
            ? JSON.createObjectNode()
                .put("productId", productId)
                .put("count", 0L)
                .put("sum", 0L)
                .put("highest", stars)
                .put("lowest", stars)
                .put("mostRecent", stars)
                .put("mostRecentAt", "")
                .put("mostRecentId", "")
            : current.deepCopy();
    next.put("count", next.get("count").asLong() + 1);
    next.put("sum", next.get("sum").asLong() + stars);
    next.put("highest", Math.max(next.get("highest").asInt(), stars));
    next.put("lowest", Math.min(next.get("lowest").asInt(), stars));
    int newer = at.compareTo(next.get("mostRecentAt").asText());
    if (newer > 0 || (newer == 0 && id.compareTo(next.get("mostRecentId").asText()) > 0)) {
      next.put("mostRecent", stars).put("mostRecentAt", at).put("mostRecentId", id);
    }
    return next;
  }

  static JsonNode withProduct(JsonNode stats, JsonNode product) {
    return ((ObjectNode) stats.deepCopy())
        .put("productName", product == null ? "" : product.path("name").asText(""))
        .put("unitPrice", product == null ? 0 : product.path("unitPrice").asDouble(0));
  }

  /** Higher exact average first (cross-multiplied), then more ratings, then the product id. */
  static final Comparator<JsonNode> RANKING =
      (a, b) -> {
        long byAverage =
            b.get("sum").asLong() * a.get("count").asLong() - a.get("sum").asLong() * b.get("count").asLong();
        if (byAverage != 0) return Long.signum(byAverage);
        long byCount = b.get("count").asLong() - a.get("count").asLong();
        if (byCount != 0) return Long.signum(byCount);
        return a.get("productId").asText().compareTo(b.get("productId").asText());
      };

  static List<KeyValue<String, JsonNode>> ranks(JsonNode board) {
    List<JsonNode> all = new ArrayList<>();
    board.elements().forEachRemaining(all::add);
    all.sort(RANKING);
    List<KeyValue<String, JsonNode>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP_N, all.size()); i++) {
      JsonNode stats = all.get(i);
      long count = stats.get("count").asLong();
      double average = (double) stats.get("sum").asLong() / count;
      ObjectNode record =
          JSON.createObjectNode()
              .put("id", String.valueOf(i + 1))
              .put("rank", i + 1)
              .put("productId", stats.get("productId").asText())
              .put("productName", stats.path("productName").asText(""))
              .put("unitPrice", stats.path("unitPrice").asDouble(0))
              .put("totalRatings", count)
              .put("highest", stats.get("highest").asInt())
              .put("lowest", stats.get("lowest").asInt())
              .put("mostRecent", stats.get("mostRecent").asInt())
              .put("ratingScore", Math.round(average * 100) / 100.0);
      out.add(KeyValue.pair(String.valueOf(i + 1), record));
    }
    return out;
  }

  public static void main(String[] args) throws InterruptedException {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env("APPLICATION_ID", "retail-streams"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // One broker: internal topics (repartition, changelogs) cannot have more replicas than brokers.
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.parseInt(env("REPLICATION_FACTOR", "1")));
    props.put(StreamsConfig.STATE_DIR_CONFIG, env("STATE_DIR", "/tmp/kafka-streams"));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // Kafka Streams stays in its group on close: a restart waits for the old member's session to time out
    // (45 s by default). 10 s keeps a restart (`--watch`, a crash) quick; heartbeats still go every 3 s.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    KafkaStreams streams = new KafkaStreams(topology(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          // Flushed at once: the harness and its tests read the state changes from the log.
          System.out.println("state " + before + " -> " + now);
          System.out.flush();
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) done.countDown();
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      done.countDown();
    }));
    streams.start();
    done.await();
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
