package dev.stride.kit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The claim loop the executor's worker and the verifier's scheduler share: a round claims what the bulkhead's room
 * allows, starts each row on its own without waiting for it, gives a slot back when its work ends, and claims again
 * at once when it got all it asked for or when an end calls for it.
 */
class ClaimLoopTest {

    /** Rows waiting in "the table", by name; a row's endpoint is the part before the dash. */
    private final List<String> due = new ArrayList<>();

    private final List<Bulkhead.Round> rounds = new ArrayList<>();
    private final Map<String, CompletableFuture<Void>> running = new LinkedHashMap<>();
    private final List<String> givenBack = new ArrayList<>();
    private final Set<String> stillOurs = new HashSet<>();

    private ClaimLoop<String> loop(Bulkhead bulkhead, int batch, ClaimLoop.Wake wake) {
        return new ClaimLoop<>(
                "Testing",
                null,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                bulkhead,
                batch,
                wake,
                new ClaimLoop.Work<>() {
                    @Override
                    public Uni<List<String>> claim(Bulkhead.Round round) {
                        rounds.add(round);
                        List<String> claimed =
                                due.stream()
                                        .filter(row -> !round.full().contains(endpoint(row)))
                                        .limit(round.limit())
                                        .toList();
                        due.removeAll(claimed);
                        return Uni.createFrom().item(claimed);
                    }

                    @Override
                    public String endpoint(String row) {
                        return row.substring(0, row.indexOf('-'));
                    }

                    @Override
                    public Uni<Void> run(String row) {
                        CompletableFuture<Void> done = new CompletableFuture<>();
                        running.put(row, done);
                        return Uni.createFrom().completionStage(done);
                    }

                    @Override
                    public boolean running(String row) {
                        return stillOurs.contains(row);
                    }

                    @Override
                    public Uni<Void> giveBack(String row) {
                        givenBack.add(row);
                        due.add(row);
                        return Uni.createFrom().voidItem();
                    }
                });
    }

    @Test
    void aRoundClaimsWhatTheSlotsAllowStartsEachAndDoesNotWait() {
        ClaimLoop<String> loop = loop(new Bulkhead(4, 4), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2", "b-1", "b-2", "b-3", "c-1"));

        Boolean more = loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(rounds.get(0).limit()).isEqualTo(4);
        assertThat(running).containsOnlyKeys("a-1", "a-2", "b-1", "b-2");
        assertThat(loop.inFlight()).isEqualTo(4);
        assertThat(more).as("all slots taken: the next round would claim nothing").isFalse();
        assertThat(loop.round().await().atMost(Duration.ofSeconds(5))).isFalse();
        assertThat(rounds).hasSize(1);
    }

    @Test
    void aRoundThatGotAllItAskedForGoesAgain() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 8), 2, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2", "a-3"));

        assertThat(loop.round().await().atMost(Duration.ofSeconds(5))).isTrue();
        assertThat(loop.round().await().atMost(Duration.ofSeconds(5)))
                .as("one left for two asked")
                .isFalse();
        assertThat(running).containsOnlyKeys("a-1", "a-2", "a-3");
    }

    @Test
    void fullEndpointsAreLeftOutAndTheOthersGetTheirRoom() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 2), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("dead-1", "dead-2"));
        loop.round().await().atMost(Duration.ofSeconds(5));
        due.addAll(List.of("dead-3", "dead-4", "ok-1"));

        loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(rounds.get(1).full()).containsExactly("dead");
        assertThat(running).containsOnlyKeys("dead-1", "dead-2", "ok-1");
        assertThat(due).containsExactly("dead-3", "dead-4");
    }

    @Test
    void aRowWhoseEndpointFilledUpWithinTheRoundIsGivenBackUntried() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 2), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2", "a-3", "b-1"));

        loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(running).containsOnlyKeys("a-1", "a-2", "b-1");
        assertThat(givenBack).containsExactly("a-3");
        assertThat(loop.inFlight()).isEqualTo(3);
    }

    @Test
    void aRowStillInFlightHereIsNotStartedTwice() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 8), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2"));
        stillOurs.add("a-1");

        loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(running).containsOnlyKeys("a-2");
        assertThat(loop.inFlight()).isEqualTo(1);
        assertThat(givenBack).isEmpty();
    }

    @Test
    void onlyPriorityWorkIsAskedForWithinTheReserveAndTheRoundDoesNotRepeat() {
        ClaimLoop<String> loop = loop(new Bulkhead(4, 4, 2), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2"));
        loop.round().await().atMost(Duration.ofSeconds(5));
        due.addAll(List.of("b-1", "b-2"));

        Boolean more = loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(rounds.get(0).priorityOnly()).isFalse();
        assertThat(rounds.get(1).priorityOnly()).isTrue();
        assertThat(rounds.get(1).limit()).isEqualTo(2);
        assertThat(more).isFalse();
    }

    @Test
    void aSlotComesBackWhenItsWorkEndsHoweverItEnds() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 8), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2"));
        loop.round().await().atMost(Duration.ofSeconds(5));

        running.get("a-1").complete(null);
        running.get("a-2").completeExceptionally(new IllegalStateException("the platform said no"));

        assertThat(loop.inFlight()).isZero();
        assertThat(rounds).as("no limit was reached: the next tick claims").hasSize(1);
    }

    @Test
    void anEndThatOpensALimitClaimsAgainAtOnce() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 1), 64, ClaimLoop.Wake.WHEN_A_LIMIT_OPENS);
        due.addAll(List.of("a-1", "a-2"));
        loop.round().await().atMost(Duration.ofSeconds(5));
        assertThat(running).containsOnlyKeys("a-1");

        running.get("a-1").complete(null);

        assertThat(rounds).hasSize(2);
        assertThat(running).containsOnlyKeys("a-1", "a-2");
        assertThat(loop.inFlight()).isEqualTo(1);
    }

    @Test
    void everyEndClaimsAgainWhenTheServiceAsksForIt() {
        ClaimLoop<String> loop = loop(new Bulkhead(8, 8), 64, ClaimLoop.Wake.AFTER_EVERY_END);
        due.add("a-1");
        loop.round().await().atMost(Duration.ofSeconds(5));
        due.add("a-2");

        running.get("a-1").complete(null);

        assertThat(rounds).hasSize(2);
        assertThat(running).containsOnlyKeys("a-1", "a-2");
    }

    @Test
    void aWorkThatThrowsStillGivesItsSlotBack() {
        Bulkhead bulkhead = new Bulkhead(8, 8);
        ClaimLoop<String> loop =
                new ClaimLoop<>(
                        "Testing",
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        bulkhead,
                        64,
                        ClaimLoop.Wake.WHEN_A_LIMIT_OPENS,
                        new ClaimLoop.Work<>() {
                            @Override
                            public Uni<List<String>> claim(Bulkhead.Round round) {
                                return Uni.createFrom().item(List.of("a-1"));
                            }

                            @Override
                            public String endpoint(String row) {
                                return "a";
                            }

                            @Override
                            public Uni<Void> run(String row) {
                                throw new IllegalStateException("bug");
                            }
                        });

        loop.round().await().atMost(Duration.ofSeconds(5));

        assertThat(bulkhead.inUse()).isZero();
    }
}
