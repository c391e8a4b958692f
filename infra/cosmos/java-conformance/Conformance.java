import com.azure.cosmos.ConsistencyLevel;
import com.azure.cosmos.CosmosClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosDatabase;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosBatch;
import com.azure.cosmos.models.CosmosBatchResponse;
import com.azure.cosmos.models.CosmosBulkOperationResponse;
import com.azure.cosmos.models.CosmosBulkOperations;
import com.azure.cosmos.models.CosmosChangeFeedRequestOptions;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.FeedRange;
import com.azure.cosmos.models.FeedResponse;
import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.ThroughputProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Drives a Cosmos DB endpoint with the official Java SDK (gateway mode, as Microsoft's Kafka connector uses it) and
 * prints one JSON line per check: {"check": name, "ok": true} or {"check": name, "ok": false, "error": "..."}.
 * Before the last checks it prints {"restart": true} and waits for a line on stdin: the caller restarts the
 * endpoint in between, and the checks after it resume the change feed from tokens saved before the restart.
 *
 * Run: java -cp 'libs/*' Conformance.java ENDPOINT   (key in COSMOS_KEY; trust the endpoint's certificate with
 * -Djavax.net.ssl.trustStore=...). Every check asserts what the service does, so a failure names a difference.
 */
public class Conformance {
  static final ObjectMapper json = new ObjectMapper();
  static CosmosClient client;
  static CosmosContainer items;
  static CosmosContainer wide;

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    client = new CosmosClientBuilder()
        .endpoint(endpoint)
        .key(System.getenv("COSMOS_KEY"))
        .gatewayMode()
        .endpointDiscoveryEnabled(false)
        .consistencyLevel(ConsistencyLevel.SESSION)
        .contentResponseOnWriteEnabled(true)
        .buildClient();
    String run = UUID.randomUUID().toString().substring(0, 8);
    check("database and containers", () -> {
      client.createDatabaseIfNotExists("java-" + run);
      CosmosDatabase db = client.getDatabase("java-" + run);
      db.createContainerIfNotExists(new CosmosContainerProperties("items", "/pk"));
      items = db.getContainer("items");
      db.createContainerIfNotExists(
          new CosmosContainerProperties("wide", "/pk"), ThroughputProperties.createManualThroughput(25_000));
      wide = db.getContainer("wide");
      equal("container id", "items", items.read().getProperties().getId());
      equal("partition key path", "/pk", wide.read().getProperties().getPartitionKeyDefinition().getPaths().get(0));
    });
    if (items == null) { finish(); return; }
    check("create, read, replace, upsert, delete", Conformance::crud);
    check("queries: filter, parameters, ORDER BY, paging", Conformance::queries);
    check("queries: SELECT VALUE, COUNT, DISTINCT VALUE, TOP, OFFSET LIMIT, aggregates", Conformance::valueQueries);
    check("queries: GROUP BY aggregates over a field missing in some items", Conformance::missingFieldAggregates);
    check("patch", Conformance::patch);
    check("transactional batch", Conformance::batch);
    check("bulk", Conformance::bulk);
    check("bulk: patch, replace if the etag matches, delete (the Kafka sink's write strategies)", Conformance::bulkWriteStrategies);
    check("feed ranges: a 25,000 RU/s container has three", () -> equal("feed ranges", 3, wide.getFeedRanges().size()));
    check("change feed: latest version from Beginning, Now, a point in time", Conformance::changeFeedStarts);
    check("change feed: all versions and deletes", Conformance::allVersions);
    check("change feed: per feed range, each change once", Conformance::perFeedRange);
    check("split: raising throughput splits a live range, a saved token resumes", Conformance::split);
    String[] saved = new String[1];
    check("change feed: continuation saved", () -> saved[0] = changeFeedToken());
    System.out.println("{\"restart\":true}");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in)).readLine();
    check("change feed: continuation resumes after a restart", () -> resumeAfterRestart(saved[0]));
    finish();
  }

  interface Check { void run() throws Exception; }

  static int failures = 0;

  static void check(String name, Check body) {
    ObjectNode line = json.createObjectNode().put("check", name);
    try {
      body.run();
      line.put("ok", true);
    } catch (Throwable error) {
      failures++;
      line.put("ok", false).put("error", describe(error));
    }
    System.out.println(line);
    System.out.flush();
  }

  static String describe(Throwable error) {
    if (error instanceof CosmosException cosmos) {
      String message = cosmos.getMessage();
      return "CosmosException " + cosmos.getStatusCode() + "/" + cosmos.getSubStatusCode() + ": "
          + (message.length() > 1500 ? message.substring(0, 1500) : message);
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  static void finish() {
    client.close();
    System.exit(failures == 0 ? 0 : 1);
  }

  static void equal(String what, Object expected, Object actual) {
    if (expected instanceof Set<?> e && actual instanceof Set<?> a) {
      expected = new java.util.TreeSet<>(e);
      actual = new java.util.TreeSet<>(a);
    }
    if (!String.valueOf(expected).equals(String.valueOf(actual)))
      throw new AssertionError(what + ": expected " + expected + " but got " + actual);
  }

  static ObjectNode doc(String id, String pk, int n) {
    return json.createObjectNode().put("id", id).put("pk", pk).put("n", n);
  }

  static void crud() {
    PartitionKey pk = new PartitionKey("crud");
    var created = items.createItem(doc("c1", "crud", 1), pk, new CosmosItemRequestOptions());
    equal("create status", 201, created.getStatusCode());
    if (created.getETag() == null) throw new AssertionError("no etag on create");
    if (created.getSessionToken() == null) throw new AssertionError("no session token on create");
    ObjectNode read = items.readItem("c1", pk, ObjectNode.class).getItem();
    equal("read n", 1, read.get("n").asInt());
    if (!read.has("_rid") || !read.has("_etag") || !read.has("_ts")) throw new AssertionError("system properties missing: " + read);
    read.put("n", 2);
    equal("replace", 2, items.replaceItem(read, "c1", pk, new CosmosItemRequestOptions()).getItem().get("n").asInt());
    try {
      items.replaceItem(read, "c1", pk, new CosmosItemRequestOptions().setIfMatchETag(created.getETag()));
      throw new AssertionError("replace with a stale etag succeeded");
    } catch (CosmosException e) {
      equal("stale etag status", 412, e.getStatusCode());
    }
    equal("upsert creates", 201, items.upsertItem(doc("c2", "crud", 5)).getStatusCode());
    equal("upsert replaces", 200, items.upsertItem(doc("c2", "crud", 6)).getStatusCode());
    equal("delete", 204, items.deleteItem("c2", pk, new CosmosItemRequestOptions()).getStatusCode());
    try {
      items.readItem("c2", pk, ObjectNode.class);
      throw new AssertionError("read of a deleted item succeeded");
    } catch (CosmosException e) {
      equal("read deleted status", 404, e.getStatusCode());
    }
    equal("read all of a partition", 1, items.readAllItems(pk, ObjectNode.class).stream().count());
  }

  static void seedQueryItems() {
    for (int i = 0; i < 25; i++) {
      ObjectNode item = doc("q" + i, "q" + (i % 3), i);
      item.put("color", i % 2 == 0 ? "red" : "blue");
      item.put("kind", "query");
      items.createItem(item);
    }
  }

  static <T> List<T> query(String sql, Class<T> type) {
    return items.queryItems(sql, new CosmosQueryRequestOptions(), type).stream().toList();
  }

  static void queries() {
    seedQueryItems();
    List<ObjectNode> reds = query("SELECT * FROM c WHERE c.kind = 'query' AND c.color = 'red' ORDER BY c.n DESC", ObjectNode.class);
    equal("red count", 13, reds.size());
    equal("first red", 24, reds.get(0).get("n").asInt());
    var spec = new com.azure.cosmos.models.SqlQuerySpec(
        "SELECT c.id FROM c WHERE c.n >= @min AND c.kind = 'query'",
        List.of(new com.azure.cosmos.models.SqlParameter("@min", 20)));
    equal("parameters", 5, items.queryItems(spec, new CosmosQueryRequestOptions(), ObjectNode.class).stream().count());
    List<ObjectNode> scoped = items.queryItems("SELECT * FROM c", new CosmosQueryRequestOptions().setPartitionKey(new PartitionKey("q1")), ObjectNode.class).stream().toList();
    equal("partition-scoped", 8, scoped.size());
    // Paging: pages of 10 with continuation tokens, resumed in a fresh iterable each time.
    List<Integer> seen = new ArrayList<>();
    String continuation = null;
    int pages = 0;
    do {
      Iterator<FeedResponse<ObjectNode>> it = items
          .queryItems("SELECT * FROM c WHERE c.kind = 'query' ORDER BY c.n", new CosmosQueryRequestOptions(), ObjectNode.class)
          .iterableByPage(continuation, 10).iterator();
      if (!it.hasNext()) break;
      FeedResponse<ObjectNode> page = it.next();
      for (ObjectNode n : page.getResults()) seen.add(n.get("n").asInt());
      continuation = page.getContinuationToken();
      pages++;
    } while (continuation != null && pages < 10);
    equal("paged items", 25, seen.size());
    for (int i = 0; i < seen.size(); i++) equal("paged order", i, seen.get(i));
    equal("pages", 3, pages);
  }

  static void valueQueries() {
    equal("COUNT", 25L, query("SELECT VALUE COUNT(1) FROM c WHERE c.kind = 'query'", Long.class).get(0));
    equal("SUM", 300L, query("SELECT VALUE SUM(c.n) FROM c WHERE c.kind = 'query'", Long.class).get(0));
    equal("MAX", 24L, query("SELECT VALUE MAX(c.n) FROM c WHERE c.kind = 'query'", Long.class).get(0));
    equal("AVG", 12.0, query("SELECT VALUE AVG(c.n) FROM c WHERE c.kind = 'query'", Double.class).get(0));
    List<String> colors = new ArrayList<>(query("SELECT DISTINCT VALUE c.color FROM c WHERE c.kind = 'query'", String.class));
    colors.sort(null);
    equal("DISTINCT VALUE", List.of("blue", "red"), colors);
    equal("TOP VALUE", List.of(0, 1, 2), query("SELECT TOP 3 VALUE c.n FROM c WHERE c.kind = 'query' ORDER BY c.n", Integer.class));
    equal("OFFSET LIMIT VALUE", List.of(5, 6), query("SELECT VALUE c.n FROM c WHERE c.kind = 'query' ORDER BY c.n OFFSET 5 LIMIT 2", Integer.class));
    List<ObjectNode> grouped = query("SELECT c.color, COUNT(1) AS count FROM c WHERE c.kind = 'query' GROUP BY c.color", ObjectNode.class);
    Map<String, Integer> counts = new TreeMap<>();
    for (ObjectNode g : grouped) counts.put(g.get("color").asText(), g.get("count").asInt());
    equal("GROUP BY", "{blue=12, red=13}", counts.toString());
    ObjectNode aggregates = query("SELECT COUNT(1) AS n, MIN(c.n) AS low FROM c WHERE c.kind = 'query'", ObjectNode.class).get(0);
    equal("aggregates without VALUE", "{\"n\":25,\"low\":0}", aggregates.toString());
  }

  /**
   * Documented rules (SUM/AVG/MIN/MAX reference pages): undefined values are skipped; SUM/AVG over a string, boolean
   * or null are undefined (the property is left out); MIN/MAX order string > number > boolean > null; a group key
   * that is undefined is left out of its row. A group with no defined value: SUM 0, COUNT 0, AVG/MIN/MAX left out.
   */
  static void missingFieldAggregates() {
    PartitionKey pk = new PartitionKey("agg");
    String[][] rows = {{"g1", "a", "10"}, {"g2", "a", null}, {"g3", "b", null}, {"g4", "b", null}, {"g5", null, "7"},
        {"g6", "c", "\"x\""}, {"g7", "c", "3"}};
    for (String[] row : rows) {
      ObjectNode item = json.createObjectNode().put("id", row[0]).put("pk", "agg").put("kind", "agg");
      if (row[1] != null) item.put("category", row[1]);
      if (row[2] != null) item.set("price", parse(row[2]));
      items.createItem(item, pk, new CosmosItemRequestOptions());
    }
    Map<String, String> groups = new TreeMap<>();
    for (ObjectNode g : query("SELECT c.category, SUM(c.price) AS s, AVG(c.price) AS a, MIN(c.price) AS mn, MAX(c.price) AS mx,"
        + " COUNT(c.price) AS n FROM c WHERE c.kind = 'agg' GROUP BY c.category", ObjectNode.class)) {
      groups.put(g.has("category") ? g.get("category").asText() : "(undefined)", g.toString());
    }
    equal("group a", "{\"category\":\"a\",\"s\":10,\"a\":10,\"mn\":10,\"mx\":10,\"n\":1}", groups.get("a"));
    equal("group b (no price at all)", "{\"category\":\"b\",\"s\":0,\"n\":0}", groups.get("b"));
    equal("group c (a string price)", "{\"category\":\"c\",\"mn\":3,\"mx\":\"x\",\"n\":2}", groups.get("c"));
    equal("group without category", "{\"s\":7,\"a\":7,\"mn\":7,\"mx\":7,\"n\":1}", groups.get("(undefined)"));
    List<ObjectNode> unaliased = query("SELECT c.category, SUM(c.price) FROM c WHERE c.kind = 'agg' AND c.category = 'a' GROUP BY c.category", ObjectNode.class);
    equal("unaliased aggregate", "[{\"category\":\"a\",\"$1\":10}]", unaliased.toString());
    equal("SUM VALUE of nothing", List.of(0L), query("SELECT VALUE SUM(c.price) FROM c WHERE c.kind = 'agg' AND c.category = 'b'", Long.class));
    equal("AVG VALUE of nothing", List.of(), query("SELECT VALUE AVG(c.price) FROM c WHERE c.kind = 'agg' AND c.category = 'b'", Double.class));
  }

  static com.fasterxml.jackson.databind.JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static void patch() {
    PartitionKey pk = new PartitionKey("patch");
    items.createItem(doc("p1", "patch", 1).put("gone", true), pk, new CosmosItemRequestOptions());
    CosmosPatchOperations ops = CosmosPatchOperations.create()
        .add("/tags", List.of("a"))
        .set("/name", "patched")
        .increment("/n", 5)
        .remove("/gone");
    ObjectNode patched = items.patchItem("p1", pk, ops, ObjectNode.class).getItem();
    equal("incremented", 6, patched.get("n").asInt());
    equal("set", "patched", patched.get("name").asText());
    equal("removed", false, patched.has("gone"));
    var conditional = new com.azure.cosmos.models.CosmosPatchItemRequestOptions().setFilterPredicate("FROM c WHERE c.n > 100");
    try {
      items.patchItem("p1", pk, CosmosPatchOperations.create().set("/n", 0), conditional, ObjectNode.class);
      throw new AssertionError("a patch whose condition is false succeeded");
    } catch (CosmosException e) {
      equal("false condition status", 412, e.getStatusCode());
    }
  }

  static void batch() {
    PartitionKey pk = new PartitionKey("batch");
    CosmosBatch ok = CosmosBatch.createCosmosBatch(pk);
    ok.createItemOperation(doc("b1", "batch", 1));
    ok.createItemOperation(doc("b2", "batch", 2));
    ok.readItemOperation("b1");
    CosmosBatchResponse response = items.executeCosmosBatch(ok);
    if (!response.isSuccessStatusCode()) throw new AssertionError("batch failed: " + response.getStatusCode());
    equal("batch results", 3, response.getResults().size());
    CosmosBatch failing = CosmosBatch.createCosmosBatch(pk);
    failing.createItemOperation(doc("b3", "batch", 3));
    failing.createItemOperation(doc("b1", "batch", 1)); // conflict: the whole batch rolls back
    CosmosBatchResponse failed = items.executeCosmosBatch(failing);
    equal("failed batch succeeded", false, failed.isSuccessStatusCode());
    equal("failing operation", 409, failed.getResults().get(1).getStatusCode());
    equal("rolled back operation", 424, failed.getResults().get(0).getStatusCode());
    try {
      items.readItem("b3", pk, ObjectNode.class);
      throw new AssertionError("a rolled-back create is visible");
    } catch (CosmosException e) {
      equal("rolled back status", 404, e.getStatusCode());
    }
  }

  static void bulk() {
    List<CosmosItemOperation> operations = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String pk = "bulk" + (i % 30);
      operations.add(CosmosBulkOperations.getCreateItemOperation(doc("k" + i, pk, i), new PartitionKey(pk)));
    }
    int created = 0;
    for (CosmosBulkOperationResponse<Object> r : wide.executeBulkOperations(operations)) {
      if (r.getException() != null) throw new AssertionError("bulk operation failed: " + describe(r.getException()));
      if (r.getResponse().getStatusCode() == 201) created++;
    }
    equal("bulk created", 300, created);
    equal("count after bulk", 300L, wide.queryItems("SELECT VALUE COUNT(1) FROM c", new CosmosQueryRequestOptions(), Long.class).stream().findFirst().orElse(0L));
  }

  /**
   * What Microsoft's v2 Kafka sink sends in bulk besides creates and upserts: ItemPatch (patch operations, with a
   * filter predicate when configured), ItemOverwriteIfNotModified (replace with If-Match) and ItemDelete. Each
   * operation answers on its own: 200, 412 for a stale etag or a false predicate, 404 for a missing item, 204.
   */
  static void bulkWriteStrategies() {
    PartitionKey pk = new PartitionKey("bw");
    for (int i = 0; i < 34; i++) items.createItem(doc("w" + i, "bw", i), pk, new CosmosItemRequestOptions());
    String etag = items.readItem("w30", pk, ObjectNode.class).getETag();
    List<CosmosItemOperation> operations = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      operations.add(CosmosBulkOperations.getPatchItemOperation("w" + i, pk,
          CosmosPatchOperations.create().increment("/n", 1000).set("/patched", true)));
    }
    operations.add(CosmosBulkOperations.getReplaceItemOperation("w30", doc("w30", "bw", -30), pk,
        new com.azure.cosmos.models.CosmosBulkItemRequestOptions().setIfMatchETag(etag)));
    operations.add(CosmosBulkOperations.getReplaceItemOperation("w31", doc("w31", "bw", -31), pk,
        new com.azure.cosmos.models.CosmosBulkItemRequestOptions().setIfMatchETag("\"stale\"")));
    operations.add(CosmosBulkOperations.getDeleteItemOperation("w32", pk));
    operations.add(CosmosBulkOperations.getPatchItemOperation("missing", pk, CosmosPatchOperations.create().set("/n", 1)));
    operations.add(CosmosBulkOperations.getPatchItemOperation("w33", pk, CosmosPatchOperations.create().set("/n", 1),
        new com.azure.cosmos.models.CosmosBulkPatchItemRequestOptions().setFilterPredicate("FROM c WHERE c.n > 100000")));
    Map<String, Integer> status = new TreeMap<>();
    for (CosmosBulkOperationResponse<Object> r : items.executeBulkOperations(operations)) {
      int code = r.getResponse() != null ? r.getResponse().getStatusCode()
          : r.getException() instanceof CosmosException e ? e.getStatusCode() : -1;
      status.put(r.getOperation().getId(), code);
    }
    int patched = 0;
    for (int i = 0; i < 30; i++) if (status.get("w" + i) == 200) patched++;
    equal("bulk patches", 30, patched);
    equal("bulk replace, etag matches", 200, status.get("w30"));
    equal("bulk replace, stale etag", 412, status.get("w31"));
    equal("bulk delete", 204, status.get("w32"));
    equal("bulk patch of a missing item", 404, status.get("missing"));
    equal("bulk patch, false predicate", 412, status.get("w33"));
    ObjectNode w7 = items.readItem("w7", pk, ObjectNode.class).getItem();
    equal("patched item", "1007 true", w7.get("n").asInt() + " " + w7.get("patched").asBoolean());
    equal("replaced item", -30, items.readItem("w30", pk, ObjectNode.class).getItem().get("n").asInt());
    equal("unchanged after 412", 31, items.readItem("w31", pk, ObjectNode.class).getItem().get("n").asInt());
    equal("unchanged after a false predicate", 33, items.readItem("w33", pk, ObjectNode.class).getItem().get("n").asInt());
  }

  /** Every change a feed yields until it is caught up; the last page's continuation in `token[0]`. */
  static List<JsonNode> drain(CosmosContainer container, CosmosChangeFeedRequestOptions options, String[] token) {
    options.setCompleteAfterAllCurrentChangesRetrieved(true);
    List<JsonNode> out = new ArrayList<>();
    for (FeedResponse<JsonNode> page : container.queryChangeFeed(options, JsonNode.class).iterableByPage()) {
      out.addAll(page.getResults());
      if (token != null) token[0] = page.getContinuationToken();
    }
    return out;
  }

  static Set<String> ids(List<JsonNode> changes) {
    Set<String> ids = new HashSet<>();
    for (JsonNode c : changes) ids.add(c.has("current") ? c.path("current").path("id").asText(c.path("metadata").path("id").asText()) : c.get("id").asText());
    return ids;
  }

  static void changeFeedStarts() throws Exception {
    CosmosContainer feed = items;
    String[] nowToken = new String[1];
    drain(feed, CosmosChangeFeedRequestOptions.createForProcessingFromNow(FeedRange.forFullRange()), nowToken);
    List<JsonNode> beginning = drain(feed, CosmosChangeFeedRequestOptions.createForProcessingFromBeginning(FeedRange.forFullRange()), null);
    Set<String> all = ids(beginning);
    if (!all.contains("c1") || !all.contains("q0") || all.contains("c2"))
      throw new AssertionError("from Beginning: latest versions without deletes expected, got " + all);
    Thread.sleep(1500); // If-Modified-Since has one-second resolution
    Instant before = Instant.now();
    Thread.sleep(1100);
    items.createItem(doc("later", "cf", 1));
    Set<String> fromTime = ids(drain(feed, CosmosChangeFeedRequestOptions.createForProcessingFromPointInTime(before, FeedRange.forFullRange()), null));
    equal("from a point in time", Set.of("later"), fromTime);
    Set<String> fromNow = ids(drain(feed, CosmosChangeFeedRequestOptions.createForProcessingFromContinuation(nowToken[0]), null));
    equal("from Now", Set.of("later"), fromNow);
  }

  static void allVersions() {
    String[] token = new String[1];
    CosmosChangeFeedRequestOptions start = CosmosChangeFeedRequestOptions.createForProcessingFromNow(FeedRange.forFullRange()).allVersionsAndDeletes();
    drain(items, start, token);
    PartitionKey pk = new PartitionKey("av");
    items.createItem(doc("v1", "av", 1), pk, new CosmosItemRequestOptions());
    items.upsertItem(doc("v1", "av", 2), pk, new CosmosItemRequestOptions());
    items.deleteItem("v1", pk, new CosmosItemRequestOptions());
    List<JsonNode> changes = drain(items, CosmosChangeFeedRequestOptions.createForProcessingFromContinuation(token[0]), null);
    List<String> kinds = new ArrayList<>();
    for (JsonNode c : changes) kinds.add(c.path("metadata").path("operationType").asText());
    equal("operations", List.of("create", "replace", "delete"), kinds);
    try {
      drain(items, CosmosChangeFeedRequestOptions.createForProcessingFromBeginning(FeedRange.forFullRange()).allVersionsAndDeletes(), null);
      throw new AssertionError("all versions and deletes from Beginning was served");
    } catch (CosmosException e) {
      equal("from Beginning status", 400, e.getStatusCode());
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the SDK itself refuses the combination: fine too
    }
  }

  static void perFeedRange() {
    List<FeedRange> ranges = wide.getFeedRanges();
    Set<String> union = new HashSet<>();
    int total = 0;
    for (FeedRange range : ranges) {
      List<JsonNode> changes = drain(wide, CosmosChangeFeedRequestOptions.createForProcessingFromBeginning(range), null);
      if (ranges.size() > 1 && changes.isEmpty()) throw new AssertionError("feed range " + range + " has no changes");
      total += changes.size();
      union.addAll(ids(changes));
    }
    equal("changes over all ranges", 300, total);
    equal("distinct ids over all ranges", 300, union.size());
  }

  static void split() {
    String[] token = new String[1];
    drain(wide, CosmosChangeFeedRequestOptions.createForProcessingFromBeginning(FeedRange.forFullRange()), token);
    wide.replaceThroughput(ThroughputProperties.createManualThroughput(35_000));
    equal("feed ranges after the split", 4, wide.getFeedRanges().size());
    wide.createItem(doc("after-split", "bulk3", 1));
    Set<String> resumed = ids(drain(wide, CosmosChangeFeedRequestOptions.createForProcessingFromContinuation(token[0]), null));
    equal("changes after the token", Set.of("after-split"), resumed);
    equal("count after the split", 301L, wide.queryItems("SELECT VALUE COUNT(1) FROM c", new CosmosQueryRequestOptions(), Long.class).stream().findFirst().orElse(0L));
  }

  static String changeFeedToken() {
    String[] token = new String[1];
    drain(wide, CosmosChangeFeedRequestOptions.createForProcessingFromBeginning(FeedRange.forFullRange()), token);
    if (token[0] == null) throw new AssertionError("no continuation token");
    wide.createItem(doc("after-restart-1", "bulk1", 1));
    return token[0];
  }

  static void resumeAfterRestart(String token) {
    if (token == null) throw new AssertionError("no token was saved before the restart");
    wide.createItem(doc("after-restart-2", "bulk2", 2));
    Set<String> resumed = ids(drain(wide, CosmosChangeFeedRequestOptions.createForProcessingFromContinuation(token), null));
    equal("changes after the saved token", Set.of("after-restart-1", "after-restart-2"), resumed);
  }
}
