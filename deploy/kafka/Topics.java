import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code java -cp "kafka/libs/*" Topics.java BOOTSTRAP PARTITIONS TOPIC...}: makes each topic with PARTITIONS
 * partitions (replication factor 1, the local one-node broker) unless it exists, and raises an existing one that
 * has fewer. Prints one line saying what it did. Run by deploy/stride before the services start.
 */
public class Topics {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Topics BOOTSTRAP PARTITIONS TOPIC...");
            System.exit(2);
        }
        int partitions = Integer.parseInt(args[1]);
        List<String> wanted = List.of(args).subList(2, args.length);
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : wanted) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            int created = 0;
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                    created++;
                } catch (ExecutionException e) {
                    // A service or another run made it meanwhile: it is checked below like any existing one.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // Raising the count moves keys to other partitions: per-deployment order is only kept for records
            // written afterwards. Only an older state dir (made with fewer partitions) gets here.
            Map<String, TopicDescription> described = admin.describeTopics(wanted).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            Map<String, NewPartitions> raise = new HashMap<>();
            described.forEach((name, description) -> {
                if (description.partitions().size() < partitions) {
                    raise.put(name, NewPartitions.increaseTo(partitions));
                }
            });
            if (!raise.isEmpty()) {
                admin.createPartitions(raise).all().get(30, TimeUnit.SECONDS);
            }
            System.out.printf("%d topics with %d partitions (%d created, %d raised to %d)%n", wanted.size(),
                    partitions, created, raise.size(), partitions);
        }
    }
}
