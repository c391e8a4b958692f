package dev.connecthack.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node, embedded: the server jar from Maven Central started through Node's plugin constructor with
 * the two modules a distribution always loads for this use (netty4 for HTTP, analysis-common for the analyzers).
 * Usage: {@code OpenSearchNode <home> <http-port>}. Data lives under {@code <home>/data}, so a restart (or
 * {@code kill -9}) keeps every acknowledged write: OpenSearch fsyncs its translog per request by default.
 */
public final class OpenSearchNode {
  private static final class EmbeddedNode extends Node {
    EmbeddedNode(Environment environment) {
      super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: OpenSearchNode <home> <http-port>");
      System.exit(2);
    }
    Path home = Paths.get(args[0]).toAbsolutePath();
    Path config = home.resolve("config");
    Files.createDirectories(config);
    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "connect-hack")
        .put("node.name", "connect-hack-1")
        .put("discovery.type", "single-node")
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        // The transport layer only talks to other nodes; a free port keeps several stacks on one machine apart.
        .put("transport.port", "0")
        .put("http.type", "netty4")
        .put("transport.type", "netty4")
        // A laptop's nearly full disk would otherwise make every index read-only.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .build();
    Node node = new EmbeddedNode(new Environment(settings, config));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "opensearch-shutdown"));
    node.start();
    System.out.println("OpenSearch " + org.opensearch.Version.CURRENT + " listening on http://127.0.0.1:" + args[1]);
    stopped.await();
  }
}
