package dev.stride.demo;

import java.util.Arrays;

/** {@code java -jar stride-demo.jar app|load|receiver|run|haproxy [--option value ...]}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "app" -> SampleApp.run(new Options(args, 1, SampleApp.OPTIONS));
                case "load" -> LoadGenerator.run(new Options(args, 1, LoadGenerator.OPTIONS));
                case "receiver" ->
                        WebhookReceiver.run(new Options(args, 1, WebhookReceiver.OPTIONS));
                case "run" -> System.exit(Scenario.run(new Options(args, 1, Scenario.OPTIONS)));
                case "haproxy" ->
                        System.exit(RuntimeApi.run(new Options(args, 1, RuntimeApi.OPTIONS)));
                default -> {
                    System.err.println(
                            "usage: stride-demo app|load|receiver|run|haproxy [--option value ...] (got "
                                    + Arrays.toString(args)
                                    + ")");
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("stride-demo: " + e.getMessage());
            System.exit(2);
        }
    }
}
