// The judge of the SMT conformance suite: runs each case through Apache Kafka Connect's own JsonConverter,
// SimpleHeaderConverter, transformations and predicates (and Debezium's unwrap) exactly as a worker's task would:
// bytes -> converters -> transformation chain -> converters -> bytes. Test tooling only, run as a single-file
// program: java -cp "<apache-connect classpath>" Driver.java [--bench N] < cases.jsonl > results.jsonl
//
// Case line:   {"id", "config": {connector props: transforms.*, predicates.*, key.converter.*, value.converter.*},
//               "record": {"topic", "partition", "offset", "timestamp", "kind": "sink"|"source",
//                          "key": "<serialized text>"|null, "value": "<serialized text>"|null,
//                          "headers": [{"key", "value": "<text>"|null}]}}
// Result line: {"id", "dropped": true} | {"id", "record": {same shape as input}}
//            | {"id", "error": {"stage", "class", "message"}}
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

public class Driver {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static class StageFailure extends RuntimeException {
        final String stage;
        final Throwable error;
        StageFailure(String stage, Throwable error) {
            super(error);
            this.stage = stage;
            this.error = error;
        }
    }

    static class Stage {
        @SuppressWarnings("rawtypes") Transformation transformation;
        @SuppressWarnings("rawtypes") Predicate predicate;
        boolean negate;
    }

    static Map<String, String> withPrefix(Map<String, String> props, String prefix) {
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, String> e : props.entrySet())
            if (e.getKey().startsWith(prefix)) result.put(e.getKey().substring(prefix.length()), e.getValue());
        return result;
    }

    static List<String> aliases(Map<String, String> props, String key) {
        List<String> result = new ArrayList<>();
        String raw = props.get(key);
        if (raw == null || raw.trim().isEmpty()) return result;
        for (String alias : raw.split(",")) result.add(alias.trim());
        return result;
    }

    /** As ConfigDef.parseType(CLASS) reports a class it cannot load. */
    static Class<?> loadClass(String key, String name) {
        if (name == null)
            throw new org.apache.kafka.common.config.ConfigException("Missing required configuration \"" + key + "\" which has no default value.");
        try {
            return Class.forName(name.trim());
        } catch (ClassNotFoundException e) {
            throw new org.apache.kafka.common.config.ConfigException(key, name.trim(), "Class " + name.trim() + " could not be found.");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Stage> buildChain(Map<String, String> props) {
        List<Stage> stages = new ArrayList<>();
        for (String alias : aliases(props, "transforms")) {
            String prefix = "transforms." + alias + ".";
            try {
                Stage stage = new Stage();
                stage.transformation = (Transformation) loadClass(prefix + "type", props.get(prefix + "type"))
                        .getDeclaredConstructor().newInstance();
                Map<String, String> configs = withPrefix(props, prefix);
                String predicateAlias = configs.remove("predicate");
                String negate = configs.remove("negate");
                stage.transformation.configure(configs);
                if (predicateAlias != null) {
                    String predicatePrefix = "predicates." + predicateAlias + ".";
                    stage.predicate = (Predicate) loadClass(predicatePrefix + "type", props.get(predicatePrefix + "type"))
                            .getDeclaredConstructor().newInstance();
                    stage.predicate.configure(withPrefix(props, predicatePrefix));
                    stage.negate = negate != null && Boolean.parseBoolean(negate);
                }
                stages.add(stage);
            } catch (Exception e) {
                // ConnectorConfig.transformationStages wraps every failure this way
                throw new StageFailure("CONFIGURE", new org.apache.kafka.connect.errors.ConnectException(e));
            }
        }
        return stages;
    }

    static Converter converter(Map<String, String> props, boolean isKey) {
        String prefix = isKey ? "key.converter" : "value.converter";
        String className = props.getOrDefault(prefix, "org.apache.kafka.connect.json.JsonConverter").trim();
        Converter converter;
        if (className.equals("org.apache.kafka.connect.storage.StringConverter")) converter = new StringConverter();
        else converter = new JsonConverter();
        converter.configure(withPrefix(props, prefix + "."), isKey);
        return converter;
    }

    static byte[] bytes(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText().getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static class Prepared {
        List<Stage> chain;
        Converter keyConverter;
        Converter valueConverter;
        HeaderConverter headerConverter;
        JsonNode record;
    }

    static Prepared prepare(JsonNode testCase) {
        Map<String, String> props = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = testCase.get("config").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            props.put(e.getKey(), e.getValue().asText());
        }
        Prepared prepared = new Prepared();
        try {
            prepared.keyConverter = converter(props, true);
            prepared.valueConverter = converter(props, false);
        } catch (Exception e) {
            throw new StageFailure("CONFIGURE", e);
        }
        prepared.headerConverter = new SimpleHeaderConverter();
        prepared.headerConverter.configure(new HashMap<>());
        prepared.chain = buildChain(props);
        prepared.record = testCase.get("record");
        return prepared;
    }

    @SuppressWarnings("rawtypes")
    static ConnectRecord toRecord(Prepared p) {
        JsonNode r = p.record;
        String topic = r.get("topic").asText();
        Integer partition = r.has("partition") && !r.get("partition").isNull() ? r.get("partition").asInt() : null;
        Long timestamp = r.has("timestamp") && !r.get("timestamp").isNull() ? r.get("timestamp").asLong() : null;
        SchemaAndValue key, value;
        try {
            key = p.keyConverter.toConnectData(topic, bytes(r.get("key")));
        } catch (Exception e) {
            throw new StageFailure("KEY_CONVERTER", e);
        }
        try {
            value = p.valueConverter.toConnectData(topic, bytes(r.get("value")));
        } catch (Exception e) {
            throw new StageFailure("VALUE_CONVERTER", e);
        }
        ConnectHeaders headers = new ConnectHeaders();
        if (r.has("headers")) {
            for (JsonNode h : r.get("headers")) {
                String headerKey = h.get("key").asText();
                try {
                    SchemaAndValue hv = p.headerConverter.toConnectHeader(topic, headerKey, bytes(h.get("value")));
                    headers.add(headerKey, hv);
                } catch (Exception e) {
                    throw new StageFailure("HEADER_CONVERTER", e);
                }
            }
        }
        if (r.has("kind") && r.get("kind").asText().equals("source")) {
            return new SourceRecord(new HashMap<>(), new HashMap<>(), topic, partition, key.schema(), key.value(),
                    value.schema(), value.value(), timestamp, headers);
        }
        long offset = r.has("offset") ? r.get("offset").asLong() : 0L;
        return new SinkRecord(topic, partition == null ? 0 : partition, key.schema(), key.value(), value.schema(), value.value(),
                offset, timestamp, org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static ConnectRecord applyChain(List<Stage> chain, ConnectRecord record) {
        for (Stage stage : chain) {
            try {
                if (stage.predicate == null || stage.negate ^ stage.predicate.test(record))
                    record = stage.transformation.apply(record);
            } catch (Exception e) {
                throw new StageFailure("TRANSFORMATION", e);
            }
            if (record == null) return null;
        }
        return record;
    }

    @SuppressWarnings("rawtypes")
    static ObjectNode fromRecord(Prepared p, ConnectRecord record) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("topic", record.topic());
        if (record.kafkaPartition() == null) out.putNull("partition");
        else out.put("partition", record.kafkaPartition());
        if (record.timestamp() == null) out.putNull("timestamp");
        else out.put("timestamp", record.timestamp());
        try {
            out.put("key", text(p.keyConverter.fromConnectData(record.topic(), record.keySchema(), record.key())));
        } catch (Exception e) {
            throw new StageFailure("KEY_CONVERTER", e);
        }
        try {
            out.put("value", text(p.valueConverter.fromConnectData(record.topic(), record.valueSchema(), record.value())));
        } catch (Exception e) {
            throw new StageFailure("VALUE_CONVERTER", e);
        }
        ArrayNode headers = out.putArray("headers");
        for (Header h : record.headers()) {
            ObjectNode header = headers.addObject();
            header.put("key", h.key());
            try {
                header.put("value", text(p.headerConverter.fromConnectHeader(record.topic(), h.key(), h.schema(), h.value())));
            } catch (Exception e) {
                throw new StageFailure("HEADER_CONVERTER", e);
            }
        }
        return out;
    }

    @SuppressWarnings("rawtypes")
    static ObjectNode run(JsonNode testCase) {
        ObjectNode result = MAPPER.createObjectNode();
        result.set("id", testCase.get("id"));
        try {
            Prepared p = prepare(testCase);
            ConnectRecord transformed = applyChain(p.chain, toRecord(p));
            if (transformed == null) result.put("dropped", true);
            else result.set("record", fromRecord(p, transformed));
        } catch (StageFailure failure) {
            ObjectNode error = result.putObject("error");
            error.put("stage", failure.stage);
            error.put("class", failure.error.getClass().getName());
            error.put("message", failure.error.getMessage());
        }
        return result;
    }

    /** Per-record cost of one case's chain with converters, after warm-up: prints {"nsPerRecord"}. */
    @SuppressWarnings("rawtypes")
    static void bench(JsonNode testCase, int records, PrintStream out) {
        Prepared p = prepare(testCase);
        for (int i = 0; i < Math.min(records, 20000); i++) fromRecord(p, applyChain(p.chain, toRecord(p)));
        // Process CPU time too (all threads, as the Node side measures it): robust where wall time is not, on a loaded machine.
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) fromRecord(p, applyChain(p.chain, toRecord(p)));
        long elapsed = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuStart;
        out.println("{\"nsPerRecord\":" + (elapsed / (double) records) + ",\"cpuNsPerRecord\":"
                + (cpu / (double) records) + ",\"records\":" + records + "}");
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args.length == 2 && args[0].equals("--bench")) {
            bench(MAPPER.readTree(in.readLine()), Integer.parseInt(args[1]), out);
            out.flush();
            return;
        }
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            out.println(MAPPER.writeValueAsString(run(MAPPER.readTree(line))));
        }
        out.flush();
    }
}
