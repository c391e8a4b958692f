package dev.connecthack.streams;

import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Your challenge 04 processor in Kafka Streams. Run it with
 * `npm run challenge:04 -- --connectors challenges/04-stream-processing/processor-java`: the harness compiles
 * src/main/java with this pom's dependencies and runs {@code main} with KAFKA_BOOTSTRAP_SERVERS and STATE_DIR set.
 * The reference: ../solution/kafka-streams.
 */
public final class MyStreams {
  public static void main(String[] args) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "my-retail-streams");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    // A restart (`--watch`) waits for the stopped app's member to time out: 10 s instead of the default 45 s.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    StreamsBuilder builder = new StreamsBuilder();
    // TODO 1: build the topology: inventory-on-hand from product-inventory-capacity, inventory-replenishment,
    // purchases and returns; top-5-products from product-ratings and products. Then start KafkaStreams.
    System.err.println(
        "TODO 1 (challenges/04-stream-processing/processor-java/src/main/java/dev/connecthack/streams/MyStreams.java): build the topology that writes inventory-on-hand — nothing is implemented yet.");
    System.exit(1);
  }
}
