package io.tollgate.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The audit ingest ratio measured paired (ADR 0047): the operations of
 * {@link AuditIngestBenchmark} interleaved on one DynamoDB Local table in one JVM, so that the
 * load of a shared machine, the table's size and the engine's warm-up are the same for each of
 * them — JMH runs each benchmark method in its own forks one after the other, and on a machine
 * shared with other builds the load moves between them by more than the effect measured.
 *
 * <p>After {@code warmup} seconds of rounds, {@code blocks} blocks of {@code rounds} rounds are
 * timed. A round runs every operation once (one SQS batch of {@value AuditIngestBenchmark#BATCH}
 * events each), in an order rotated from round to round. Per operation it reports events/s over
 * all blocks and, per block, the ratio of its throughput to the raw {@code BatchWriteItem}
 * baseline of the same block: median, lowest and highest.
 *
 * <pre>
 *   ./tollgate bench -l   # builds the bench module (lists the JMH benchmarks)
 *   java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.tollgate.bench.AuditIngestPairedRun 60 10 100
 * </pre>
 */
public final class AuditIngestPairedRun {

    private interface Operation {
        void run() throws Exception;
    }

    private record Variant(String name, Operation operation) {
    }

    private AuditIngestPairedRun() {
    }

    public static void main(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        AuditIngestBenchmark bench = new AuditIngestBenchmark();
        bench.setUp();
        try {
            List<Variant> variants = List.of(
                    new Variant("rawBatchWriteItemBaseline", bench::rawBatchWriteItemBaseline),
                    new Variant("ingest", bench::ingest),
                    new Variant("rawTransactWriteItemsReference", bench::rawTransactWriteItemsReference),
                    new Variant("reserveFirstCallsReference", bench::reserveFirstCallsReference),
                    new Variant("reserveFirstWithoutDuplicateReadReference",
                            bench::reserveFirstWithoutDuplicateReadReference));
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            int round = 0;
            while (System.nanoTime() < warmupEnd) {
                runRound(variants, round++, new long[variants.size()]);
            }
            long[][] nanos = new long[blocks][variants.size()];
            for (int block = 0; block < blocks; block++) {
                for (int r = 0; r < rounds; r++) {
                    runRound(variants, round++, nanos[block]);
                }
            }
            report(variants, nanos, rounds, warmupSeconds);
        } finally {
            bench.tearDown();
        }
        // DynamoDB Local leaves non-daemon threads behind (JMH uses jmh.shutdownTimeout for the same reason).
        System.exit(0);
    }

    private static void runRound(List<Variant> variants, int round, long[] nanos) throws Exception {
        for (int i = 0; i < variants.size(); i++) {
            int v = (round + i) % variants.size();
            long start = System.nanoTime();
            variants.get(v).operation().run();
            nanos[v] += System.nanoTime() - start;
        }
    }

    private static void report(List<Variant> variants, long[][] nanos, int rounds, int warmupSeconds) {
        int blocks = nanos.length;
        double eventsPerBlock = (double) rounds * AuditIngestBenchmark.BATCH;
        System.out.printf(Locale.ROOT, "paired run: %d s warm-up, %d blocks x %d rounds, %d events per operation%n",
                warmupSeconds, blocks, rounds, AuditIngestBenchmark.BATCH);
        System.out.printf(Locale.ROOT, "%-44s %12s %22s%n", "operation", "events/s", "ratio to baseline: median [min, max]");
        for (int v = 0; v < variants.size(); v++) {
            long total = 0;
            double[] ratios = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                total += nanos[b][v];
                ratios[b] = (double) nanos[b][0] / nanos[b][v];
            }
            Arrays.sort(ratios);
            double median = blocks % 2 == 1 ? ratios[blocks / 2] : (ratios[blocks / 2 - 1] + ratios[blocks / 2]) / 2;
            double throughput = eventsPerBlock * blocks / (total / 1e9);
            System.out.printf(Locale.ROOT, "%-44s %12.1f %10.2fx [%.2f, %.2f]%n", variants.get(v).name(), throughput,
                    median, ratios[0], ratios[blocks - 1]);
        }
        List<String> perBlock = new ArrayList<>();
        for (long[] block : nanos) {
            perBlock.add(String.format(Locale.ROOT, "%.2f", (double) block[0] / block[1]));
        }
        System.out.println("ingest / baseline per block: " + String.join(" ", perBlock));
    }
}
