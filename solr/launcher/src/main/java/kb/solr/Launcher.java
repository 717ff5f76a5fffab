package kb.solr;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.zookeeper.server.ZooKeeperServerMain;

/**
 * One process of the test cluster: a standalone ZooKeeper or one SolrCloud node.
 *
 * <pre>
 *   java ... kb.solr.Launcher zk   PORT DATA_DIR [TICK_MS]
 *   java ... kb.solr.Launcher solr PORT SOLR_HOME ZK_HOST
 * </pre>
 *
 * Every process ends by itself after -Dlauncher.maxSeconds (default 1800), and, with
 * -Dlauncher.watchStdin=true, as soon as its standard input closes (the test process that started
 * it has gone), so a failed or killed test run leaves nothing running. A Solr node prints
 * "READY port" once it serves; ZooKeeper is ready when its port accepts connections.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Launcher zk PORT DATA_DIR [TICK_MS] | solr PORT SOLR_HOME ZK_HOST");
      System.exit(2);
    }
    startWatchdogs();
    switch (args[0]) {
      case "zk" -> zookeeper(args);
      case "solr" -> solr(args);
      default -> {
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
      }
    }
  }

  /** A maximum lifetime, and (when asked) the end of standard input: both halt the JVM. */
  private static void startWatchdogs() {
    long maxSeconds = Long.getLong("launcher.maxSeconds", 1800L);
    Thread lifetime =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxSeconds * 1000L);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("launcher: maximum lifetime of " + maxSeconds + " s reached, exiting");
              Runtime.getRuntime().halt(3);
            },
            "launcher-lifetime");
    lifetime.setDaemon(true);
    lifetime.start();
    if (Boolean.getBoolean("launcher.watchStdin")) {
      Thread stdin =
          new Thread(
              () -> {
                try (InputStream in = System.in) {
                  while (in.read() != -1) {
                    // the parent writes nothing: any byte is ignored, only the end counts
                  }
                } catch (Exception e) {
                  // a closed or broken pipe means the same as end of input
                }
                System.err.println("launcher: standard input closed (parent gone), exiting");
                Runtime.getRuntime().halt(4);
              },
              "launcher-stdin");
      stdin.setDaemon(true);
      stdin.start();
    }
  }

  private static void zookeeper(String[] args) {
    // ZooKeeper's admin server is built for another Jetty than Solr's: off.
    System.setProperty("zookeeper.admin.enableServer", "false");
    String tick = args.length > 3 ? args[3] : "500";
    ZooKeeperServerMain.main(new String[] {args[1], args[2], tick});
  }

  private static void solr(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    Path home = Path.of(args[2]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      throw new IllegalArgumentException("no solr.xml in " + home);
    }
    Properties nodeProps = new Properties();
    nodeProps.setProperty("zkHost", args[3]);
    nodeProps.setProperty("hostPort", Integer.toString(port));
    JettyConfig config =
        JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner node = new JettySolrRunner(home.toString(), nodeProps, config);
    node.start();
    System.out.println("READY " + node.getLocalPort());
    System.out.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    new CountDownLatch(1).await();
  }
}
